"""CORS from a real browser: headless Chromium loads a page from one origin and uploads with `fetch` to a
presigned URL of LocalOSS, another origin. The browser sends the preflight itself and enforces the answer, so this
checks what a browser app sees, not what a test client chooses to read.

Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages (scripts/install-deps.sh
--tests installs them), Selenium from PyPI; Selenium is pointed at both, so nothing is downloaded.
"""

import http.server
import shutil
import threading

import pytest
from oss2.models import BucketCors, CorsRule

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="chromium and chromium-driver are not installed (scripts/install-deps.sh --tests)")

PAGE = b"""<!doctype html><html><body><pre id="result">pending</pre><script>
async function upload(url, body) {
  try {
    const r = await fetch(url, {method: "PUT", body: body, headers: {"Content-Type": "text/plain"}});
    document.getElementById("result").textContent = "status=" + r.status + " etag=" + r.headers.get("ETag");
  } catch (e) {
    document.getElementById("result").textContent = "failed: " + e.name;
  }
}
</script></body></html>"""


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def page_origin():
    """The page's origin: `localhost` on its own port, so it differs from LocalOSS's 127.0.0.1:PORT."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://localhost:%d" % httpd.server_address[1]
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def upload_from_page(browser, page_origin, url, body):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(page_origin + "/")
    browser.execute_script("upload(arguments[0], arguments[1])", url, body)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "result").text != "pending")
    return browser.find_element(By.ID, "result").text


def test_browser_upload_to_a_presigned_url_needs_cors_rules(bucket, browser, page_origin):
    key = "from-browser.txt"
    bucket.created_keys.add(key)
    url = bucket.sign_url("PUT", key, 300, headers={"Content-Type": "text/plain"})
    # No rules: the browser's preflight is refused, the upload never leaves it.
    assert upload_from_page(browser, page_origin, url, "refused") == "failed: TypeError"
    assert not bucket.object_exists(key)
    bucket.put_bucket_cors(BucketCors([CorsRule(
        allowed_origins=[page_origin], allowed_methods=["PUT"], allowed_headers=["content-type"],
        expose_headers=["ETag"], max_age_seconds=0)]))
    result = upload_from_page(browser, page_origin, url, "hello from the browser")
    stored = bucket.get_object(key)
    assert stored.read() == b"hello from the browser"
    # The ETag header is readable by the page only because the rule exposes it.
    assert result == "status=200 etag=%s" % stored.headers["ETag"]


def test_a_rule_for_another_origin_does_not_let_the_page_in(bucket, browser, page_origin):
    key = "other-origin.txt"
    bucket.created_keys.add(key)
    bucket.put_bucket_cors(BucketCors([CorsRule(
        allowed_origins=["https://app.example.com"], allowed_methods=["PUT"], allowed_headers=["*"])]))
    url = bucket.sign_url("PUT", key, 300, headers={"Content-Type": "text/plain"})
    assert upload_from_page(browser, page_origin, url, "refused") == "failed: TypeError"
    assert not bucket.object_exists(key)
