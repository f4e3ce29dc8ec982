"""The web console (`/_localoss/console/`) in a real browser: headless Chromium driven by Selenium against the
binary, with oss2 on the other side. What the SDK does shows on the page; what the page does, the SDK sees.

Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages (scripts/install-deps.sh
--tests installs them), Selenium from PyPI. Each test saves a screenshot to `Tests/sdk/python/screenshots/`
(ignored by git).
"""

import os
import pathlib
import re
import shutil
import tempfile
import time

import oss2
import pytest

from conftest import LocalOSSServer, make_oss2_bucket, server_binary, unique_bucket_name
from localoss_helpers import ACCESS_KEY_ID, crc64, rand

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = pathlib.Path(__file__).resolve().parent / "screenshots"

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="chromium and chromium-driver are not installed (scripts/install-deps.sh --tests)")


@pytest.fixture(scope="module")
def console_server():
    """A server of its own: fault rules and the journal of these tests touch no other test. It runs in its
    temporary folder with `--data-dir data`, so the page's header (which shows the data directory as given) and
    the README's screenshots show no machine path."""
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="localoss-console-"))
    (tmp / "data").mkdir()
    srv = LocalOSSServer(server_binary().resolve(), "data", tmp / "server.log", cwd=tmp).start()
    yield srv
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,800", "--hide-scrollbars"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 800)
    yield driver
    driver.quit()


@pytest.fixture
def sdk_bucket(console_server):
    b = make_oss2_bucket(console_server.endpoint, unique_bucket_name("console"))
    b.create_bucket()
    return b


def console_url(server, hash_path=""):
    return server.endpoint + "/_localoss/console/" + ("#" + hash_path if hash_path else "")


def open_console(browser, server, hash_path):
    """Loads the page afresh at `hash_path` (a hash change alone would keep the old view's state)."""
    browser.get("about:blank")
    browser.get(console_url(server, hash_path))


def wait(browser, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(condition)


def css(browser, selector):
    from selenium.webdriver.common.by import By
    return browser.find_elements(By.CSS_SELECTOR, selector)


def texts(browser, selector):
    """The visible text of every match, read in one step (the page may re-render between two WebDriver calls)."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)", selector)


def clipped_tables(browser):
    """The ids of tables wider than their box (the rest of their row hidden behind a sideways scroll)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('.scroll')].filter(e => e.scrollWidth > e.clientWidth)"
        ".map(e => e.querySelector('table').id)")


def screenshot(browser, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / (name + ".png")))


def test_buckets_and_objects_made_with_an_sdk_show_on_the_page(console_server, sdk_bucket, browser):
    sdk_bucket.put_object("top.txt", b"top")
    sdk_bucket.put_object("docs/readme.txt", b"read me", headers={
        "Content-Type": "text/plain", "x-oss-meta-owner": "docs-team", "x-oss-tagging": "stage=draft"})
    sdk_bucket.put_object("docs/guide/intro.md", b"# intro")
    readme = sdk_bucket.head_object("docs/readme.txt")

    open_console(browser, console_server, "/buckets")
    selector = 'tr[data-bucket="%s"] td' % sdk_bucket.bucket_name
    cells = wait(browser, lambda d: texts(d, selector))
    assert cells[0] == sdk_bucket.bucket_name
    assert cells[1] == "3"  # objects
    assert cells[2] == "17 B"  # 3 + 7 + 7 bytes
    assert cells[4] == "private"

    browser.find_element("link text", sdk_bucket.bucket_name).click()
    names = "#objects-table tbody td:first-child a"
    wait(browser, lambda d: texts(d, names) == ["📁 docs/", "top.txt"])

    # Into the folder: breadcrumbs, sub-folder, object.
    browser.find_element("link text", "📁 docs/").click()
    wait(browser, lambda d: texts(d, "#crumbs a") == [sdk_bucket.bucket_name, "docs"])
    wait(browser, lambda d: texts(d, names) == ["📁 guide/", "readme.txt"])

    browser.find_element("link text", "readme.txt").click()
    text = wait(browser, lambda d: "".join(texts(d, "#object-detail")))
    assert readme.headers["ETag"] in text
    assert "CRC64\n%s" % readme.headers["x-oss-hash-crc64ecma"] in text
    assert "Content-Type\ntext/plain" in text
    assert "Tags\nstage=draft" in text
    assert "Storage class\nStandard" in text
    assert texts(browser, "#metadata-table td") == ["x-oss-meta-owner", "docs-team"]
    screenshot(browser, "object-detail")

    # Search by prefix: a flat listing of every key under it.
    open_console(browser, console_server, "/objects?bucket=" + sdk_bucket.bucket_name)
    box = wait(browser, lambda d: (css(d, "#search-prefix") or [None])[0])
    box.send_keys("docs/g\n")
    wait(browser, lambda d: texts(d, names) == ["docs/guide/intro.md"])


def test_a_versioned_bucket_shows_its_configurations_and_an_objects_versions(console_server, sdk_bucket, browser):
    from oss2.models import BucketCors, BucketVersioningConfig, CorsRule
    versioning = BucketVersioningConfig()
    versioning.status = "Enabled"
    sdk_bucket.put_bucket_versioning(versioning)
    sdk_bucket.put_bucket_cors(BucketCors([CorsRule(allowed_origins=["https://app.example.com"],
                                                    allowed_methods=["GET"])]))
    first = sdk_bucket.put_object("v.txt", b"one").versionid
    second = sdk_bucket.put_object("v.txt", b"two!").versionid

    open_console(browser, console_server, "/objects?bucket=" + sdk_bucket.bucket_name)
    info = wait(browser, lambda d: "".join(texts(d, "#bucket-info")))
    assert re.search(r"Versioning\s+Enabled", info)
    assert texts(browser, "#bucket-info details summary") == ["cors"]
    assert "https://app.example.com" in browser.execute_script(
        "return document.querySelector('#bucket-info details pre').textContent")

    open_console(browser, console_server, "/object?bucket=%s&key=v.txt" % sdk_bucket.bucket_name)
    rows = wait(browser, lambda d: texts(d, "#versions-table tbody tr"))
    assert [r.split()[0] for r in rows] == [second, first]
    latest = browser.execute_script(
        "return [...document.querySelectorAll('#versions-table tbody tr')].map(r => r.cells[4].innerText)")
    assert latest == ["yes" if v.is_latest else "" for v in sdk_bucket.list_object_versions().versions] == ["yes", ""]
    assert re.search(r"Version id\s+" + second, "".join(texts(browser, "#object-detail")))

    # Delete from the page: in a versioned bucket that is a delete marker above both versions.
    css(browser, "#object-detail button.danger")[0].click()
    browser.switch_to.alert.accept()
    wait(browser, lambda d: css(d, "#objects-table") and not css(d, 'tr[data-key="v.txt"]'))
    with pytest.raises(oss2.exceptions.NoSuchKey):
        sdk_bucket.get_object("v.txt")
    listed = sdk_bucket.list_object_versions()
    assert [m.is_latest for m in listed.delete_marker] == [True]
    assert [v.versionid for v in listed.versions] == [second, first]


def test_buckets_are_created_and_deleted_from_the_page(console_server, browser):
    name = unique_bucket_name("page")
    open_console(browser, console_server, "/buckets")
    form = wait(browser, lambda d: (css(d, "#create-bucket") or [None])[0])
    form.find_element("name", "name").send_keys(name)
    form.find_element("css selector", "select[name=acl] option[value=public-read]").click()
    form.find_element("css selector", "button[type=submit]").click()
    row = wait(browser, lambda d: (css(d, 'tr[data-bucket="%s"]' % name) or [None])[0])
    sdk = make_oss2_bucket(console_server.endpoint, name)
    assert sdk.get_bucket_acl().acl == "public-read"

    row.find_element("css selector", "button.danger").click()
    browser.switch_to.alert.accept()
    wait(browser, lambda d: not css(d, 'tr[data-bucket="%s"]' % name))
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        sdk.get_bucket_info()


def test_a_big_folder_is_paged(console_server, sdk_bucket, browser):
    keys = ["many/item-%03d" % i for i in range(105)]
    for key in keys:
        sdk_bucket.put_object(key, b"x")
    open_console(browser, console_server, "/objects?bucket=%s&prefix=many/" % sdk_bucket.bucket_name)
    wait(browser, lambda d: css(d, "#next-page"))
    assert texts(browser, "#objects-table tbody td:first-child a") == ["item-%03d" % i for i in range(100)]
    css(browser, "#next-page")[0].click()
    wait(browser, lambda d: texts(d, "#objects-table tbody td:first-child a")
         == ["item-%03d" % i for i in range(100, 105)])
    assert not css(browser, "#next-page")


def test_a_20_mib_file_uploaded_from_the_page_is_a_multipart_object(console_server, sdk_bucket, browser, tmp_path):
    data = rand(20 * 1024 * 1024)
    path = tmp_path / "twenty.bin"
    path.write_bytes(data)
    open_console(browser, console_server, "/objects?bucket=%s&prefix=in/" % sdk_bucket.bucket_name)
    wait(browser, lambda d: css(d, "#upload-file"))
    # Every progress text the page shows, as it shows it.
    browser.execute_script("""
        window.seenProgress = [];
        new MutationObserver(() => window.seenProgress.push(
            [document.getElementById('upload-progress').value, document.getElementById('upload-status').textContent]))
          .observe(document.getElementById('upload-status'), {childList: true, characterData: true, subtree: true});
    """)
    css(browser, "#upload-file")[0].send_keys(str(path))
    css(browser, "#upload-start")[0].click()
    wait(browser, lambda d: d.execute_script("return document.getElementById('upload-status').dataset.done") == "1",
         timeout=60)
    seen = browser.execute_script("return window.seenProgress")
    shown = [text for _, text in seen]
    assert any("multipart, part 1 of 4" in t for t in shown)
    assert any("multipart, part 4 of 4" in t for t in shown)
    assert any(0 < value < 100 for value, _ in seen)
    assert css(browser, "#upload-progress")[0].get_attribute("value") == "100"
    assert css(browser, "#upload-status")[0].text == "Uploaded in/twenty.bin (20.0 MiB)"
    assert clipped_tables(browser) == []
    screenshot(browser, "upload")

    stored = sdk_bucket.get_object("in/twenty.bin")
    assert stored.read() == data
    assert stored.headers["x-oss-object-type"] == "Multipart"
    assert stored.headers["ETag"].endswith('-4"')
    assert int(stored.headers["x-oss-hash-crc64ecma"]) == crc64(data)
    # The page listed it too, once done.
    open_console(browser, console_server, "/objects?bucket=%s&prefix=in/" % sdk_bucket.bucket_name)
    wait(browser, lambda d: texts(d, "#objects-table tbody td:first-child a") == ["twenty.bin"])


def test_an_upload_started_with_an_sdk_shows_its_parts_and_is_aborted_from_the_page(
        console_server, sdk_bucket, browser):
    key = "parts/video.mp4"
    upload_id = sdk_bucket.init_multipart_upload(key).upload_id
    first = rand(200 * 1024)
    second = rand(1234)
    etag1 = sdk_bucket.upload_part(key, upload_id, 1, first).etag
    etag2 = sdk_bucket.upload_part(key, upload_id, 2, second).etag

    open_console(browser, console_server, "/uploads?bucket=" + sdk_bucket.bucket_name)
    section = wait(browser, lambda d: (css(d, 'section[data-upload-id="%s"]' % upload_id) or [None])[0])
    assert section.find_element("css selector", "h2").text == key
    initiated = [u.initiation_date for u in oss2.MultipartUploadIterator(sdk_bucket) if u.upload_id == upload_id][0]
    assert re.search(r"Initiated\s+" + time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(initiated)), section.text)
    rows = [[c.text for c in r.find_elements("css selector", "td")]
            for r in section.find_elements("css selector", "tbody tr")]
    assert [r[0] for r in rows] == ["1", "2"]
    assert [r[1] for r in rows] == ["200.0 KiB", "1.2 KiB"]
    assert [r[2] for r in rows] == ['"%s"' % etag1, '"%s"' % etag2]
    assert [r[3] for r in rows] == [str(crc64(first)), str(crc64(second))]
    screenshot(browser, "uploads")

    section.find_element("css selector", "button.abort").click()
    browser.switch_to.alert.accept()
    wait(browser, lambda d: not css(d, 'section[data-upload-id="%s"]' % upload_id))
    assert list(oss2.MultipartUploadIterator(sdk_bucket)) == []
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        sdk_bucket.list_parts(key, upload_id)


def test_a_wrong_secret_shows_the_string_the_server_signed(console_server, sdk_bucket, browser):
    from selenium.webdriver.common.keys import Keys
    wrong = make_oss2_bucket(console_server.endpoint, sdk_bucket.bucket_name,
                             auth=oss2.Auth(ACCESS_KEY_ID, "not-the-secret"))
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as refused:
        wrong.put_object("signed.txt", b"x", headers={"Content-Type": "text/plain"})
    server_string = refused.value.details["StringToSign"]
    provided = refused.value.details["SignatureProvided"]

    open_console(browser, console_server, "/requests")
    wait(browser, lambda d: css(d, "#request-filters"))
    css(browser, "#request-filters input[name=status]")[0].send_keys("403")
    rows = wait(browser, lambda d: texts(d, "#requests-table tr.failed"))
    assert len(rows) == 1 and "PutObject" in rows[0] and "SignatureDoesNotMatch" in rows[0]
    # Opened from the keyboard.
    css(browser, "#requests-table tr.failed button.open")[0].send_keys(Keys.ENTER)
    pane = wait(browser, lambda d: (css(d, "#server-string-to-sign") or [None])[0])
    assert pane.text == server_string.strip()
    assert "PUT\n" in pane.text and "text/plain" in pane.text
    assert css(browser, "#client-signature")[0].text == provided
    assert "<Code>SignatureDoesNotMatch</Code>" in "".join(texts(browser, "#error-body")), texts(browser, "#request-detail")
    detail = css(browser, "#request-detail")[0].text
    assert re.search(r"x-oss-ec\s+0002-00000040", detail)  # a response header
    assert "OSS " + ACCESS_KEY_ID + ":***" in detail  # the Authorization header, its signature masked
    assert clipped_tables(browser) == []  # at 1280 px every column shows beside the detail pane
    screenshot(browser, "requests")


def test_a_fault_added_from_the_page_fires(console_server, sdk_bucket, browser):
    import requests
    open_console(browser, console_server, "/control")
    form = wait(browser, lambda d: (css(d, "#fault-form") or [None])[0])
    form.find_element("id", "fault-operation").send_keys("PutObject")
    form.find_element("id", "fault-bucket").send_keys(sdk_bucket.bucket_name)
    form.find_element("id", "fault-times").send_keys("1")
    form.find_element("id", "fault-add").click()
    row = wait(browser, lambda d: "".join(texts(d, "#faults-table tr[data-fault]")))
    assert "bucket=%s operation=PutObject" % sdk_bucket.bucket_name in row
    assert "error 503 ServiceUnavailable" in row and "first 1" in row
    try:
        with pytest.raises(oss2.exceptions.ServerError) as failed:
            sdk_bucket.put_object("faulted.txt", b"x")
        assert failed.value.status == 503 and failed.value.code == "ServiceUnavailable"
        sdk_bucket.put_object("faulted.txt", b"x")  # the budget was one request
        # The open page follows the rule's counters without a reload: one hit, two requests matched.
        wait(browser, lambda d: texts(d, "#faults-table td.hits") == ["1"])
        wait(browser, lambda d: texts(d, "#faults-table td.hits + td") == ["2"])
        rule = requests.get(console_server.endpoint + "/_localoss/faults").json()["faults"][0]
        assert (rule["hits"], rule["matched"]) == (1, 2)
        screenshot(browser, "control")
        css(browser, 'button[aria-label="Remove fault %s"]' % rule["id"])[0].click()
        wait(browser, lambda d: not css(d, "#faults-table tr[data-fault]"))
        assert requests.get(console_server.endpoint + "/_localoss/faults").json()["faults"] == []
        # The journal says which rule answered.
        open_console(browser, console_server, "/requests")
        wait(browser, lambda d: any("ServiceUnavailable · fault %s error" % rule["id"] in r
                                    for r in texts(d, "#requests-table tr.failed")))
    finally:
        requests.delete(console_server.endpoint + "/_localoss/faults")


def test_a_narrow_window_needs_no_sideways_scrolling(console_server, sdk_bucket, browser):
    sdk_bucket.put_object("a-rather-long-folder-name/with-a-long-object-name-inside.txt", b"x")
    browser.set_window_size(480, 800)
    assert browser.execute_script("return window.innerWidth") == 480
    try:
        key = "a-rather-long-folder-name/with-a-long-object-name-inside.txt"
        sdk_bucket.init_multipart_upload("a-rather-long-folder-name/an-upload-in-progress-with-a-long-name.bin")
        views = {
            "/buckets": 'tr[data-bucket="%s"]' % sdk_bucket.bucket_name,
            "/objects?bucket=" + sdk_bucket.bucket_name: "#bucket-info",
            "/object?bucket=%s&key=%s" % (sdk_bucket.bucket_name, key): "#object-detail",
            "/uploads?bucket=" + sdk_bucket.bucket_name: "section[data-upload-id]",
            "/requests": "#requests-table tbody tr[data-seq]",
            "/control": "#clock",
        }
        for view, shown in views.items():
            open_console(browser, console_server, view)
            wait(browser, lambda d: css(d, shown))
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, view
        screenshot(browser, "narrow")
    finally:
        browser.set_window_size(1280, 800)


def test_the_console_is_the_control_planes_own(console_server):
    import requests
    page = requests.get(console_url(console_server))
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"
    script = requests.get(console_server.endpoint + "/_localoss/console/console.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    # No request of the page's goes to another origin.
    for text in (page.text, script.text):
        assert "http://" not in text and "https://" not in text
    before = requests.get(console_server.endpoint + "/_localoss/requests/count").json()["count"]
    requests.get(console_server.endpoint + "/_localoss/console/api/buckets")
    assert requests.get(console_server.endpoint + "/_localoss/requests/count").json()["count"] == before


def test_cancel_aborts_the_upload_from_the_page(console_server, sdk_bucket, browser, tmp_path):
    path = tmp_path / "cancelled.bin"
    path.write_bytes(rand(60 * 1024 * 1024))
    open_console(browser, console_server, "/objects?bucket=" + sdk_bucket.bucket_name)
    wait(browser, lambda d: css(d, "#upload-file"))
    css(browser, "#upload-file")[0].send_keys(str(path))
    css(browser, "#upload-start")[0].click()
    css(browser, "#upload-cancel")[0].click()
    wait(browser, lambda d: texts(d, "#upload-status") == ["Cancelled: the upload was aborted"])
    assert list(oss2.MultipartUploadIterator(sdk_bucket)) == []
    assert not sdk_bucket.object_exists("cancelled.bin")


def test_beyond_loopback_the_page_takes_the_admin_token(browser, tmp_path):
    """The page and its API follow the control plane's rule; a browser brings the token in the query once."""
    import requests
    from test_control_observe import Control
    guarded = Control(tmp_path, "--admin-token", "T0ken", host="0.0.0.0")
    try:
        console = guarded.endpoint + "/_localoss/console/"
        assert requests.get(console, timeout=30).status_code == 401
        assert requests.get(console + "api/buckets", timeout=30).status_code == 401
        assert requests.get(console + "?token=wrong", timeout=30).status_code == 401
        # The query token is the console's only: the rest of the control plane still wants the header.
        assert requests.get(guarded.url("health") + "?token=T0ken", timeout=30).status_code == 401
        sdk = make_oss2_bucket(guarded.endpoint, "guarded-bucket")
        sdk.create_bucket()
        sdk.put_object("kept.txt", b"behind the token")
        page = requests.get(console + "?token=T0ken", timeout=30)
        assert page.status_code == 200
        assert page.headers["Set-Cookie"] == "localoss_console=T0ken; Path=/_localoss/console; HttpOnly; SameSite=Strict"
        assert requests.get(console + "api/buckets", cookies={"localoss_console": "T0ken"}, timeout=30).status_code == 200
        assert requests.get(guarded.url("health"), cookies={"localoss_console": "T0ken"}, timeout=30).status_code == 401

        browser.get("about:blank")
        browser.get(console + "?token=T0ken#/objects?bucket=guarded-bucket")
        wait(browser, lambda d: texts(d, "#objects-table tbody td:first-child a") == ["kept.txt"])
        assert "token" not in browser.current_url  # taken out of the address bar
        # The download link works from the page without the token in it.
        link = css(browser, "#objects-table a[download]")[0].get_attribute("href")
        assert "token" not in link
        body = browser.execute_async_script(
            "fetch(arguments[0]).then(r => r.text()).then(arguments[1], e => arguments[1]('failed ' + e))", link)
        assert body == "behind the token"
    finally:
        guarded.stop()


def test_snapshots_the_clock_and_reset_from_the_page(console_server, sdk_bucket, browser):
    import requests
    control = console_server.endpoint + "/_localoss/"
    sdk_bucket.put_object("kept.txt", b"kept")
    open_console(browser, console_server, "/control")
    wait(browser, lambda d: css(d, "#snapshot-name"))
    css(browser, "#snapshot-name")[0].send_keys("before\n")
    wait(browser, lambda d: any(r.startswith("before") for r in texts(d, "#snapshots-table tbody tr")))
    sdk_bucket.delete_object("kept.txt")
    restore = [b for b in css(browser, "#snapshots-table button") if b.text == "Restore"][0]
    restore.click()
    wait(browser, lambda d: "Restored before" in "".join(texts(d, "#status")))
    assert sdk_bucket.get_object("kept.txt").read() == b"kept"

    try:
        wait(browser, lambda d: css(d, "#clock form button"))
        css(browser, "#clock form button")[0].click()  # Advance by 3600 s
        wait(browser, lambda d: re.search(r"Offset\s+3600 s", "".join(texts(d, "#clock"))))
        assert requests.get(control + "clock").json()["offsetSeconds"] == 3600
        [b for b in css(browser, "#clock button") if b.text == "Freeze"][0].click()
        wait(browser, lambda d: re.search(r"Frozen\s+yes", "".join(texts(d, "#clock"))))
        assert requests.get(control + "clock").json()["frozen"] is True
        offset = wait(browser, lambda d: (css(d, "#clock input[name=offset]") or [None])[0])
        offset.clear()
        offset.send_keys("-86400\n")
        # Frozen, the offset falls behind by the time since it was set (the page shows whole seconds, live).
        wait(browser, lambda d: re.search(r"Offset\s+-8640[0-4] s", "".join(texts(d, "#clock"))))
        assert -86405 < requests.get(control + "clock").json()["offsetSeconds"] <= -86400
    finally:
        requests.post(control + "clock", json={"offsetSeconds": 0, "freeze": False})

    wait(browser, lambda d: css(d, "#reset"))
    css(browser, "#reset")[0].click()
    browser.switch_to.alert.accept()
    wait(browser, lambda d: "Server state reset" in "".join(texts(d, "#status")))
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        sdk_bucket.get_bucket_info()
    # The snapshot outlives the reset; Delete removes it.
    row = wait(browser, lambda d: [r for r in css(d, "#snapshots-table tbody tr") if r.text.startswith("before")])[0]
    [b for b in row.find_elements("css selector", "button") if b.text == "Delete"][0].click()
    wait(browser, lambda d: not any(r.startswith("before") for r in texts(d, "#snapshots-table tbody tr")))
    assert "before" not in [s["name"] for s in requests.get(control + "snapshots").json()["snapshots"]]


def test_a_v4_signature_failure_shows_the_servers_canonical_request(console_server, sdk_bucket, browser):
    from oss2.credentials import StaticCredentialsProvider
    from selenium.webdriver.common.keys import Keys
    wrong = oss2.Bucket(oss2.ProviderAuthV4(StaticCredentialsProvider(ACCESS_KEY_ID, "not-the-secret")),
                        console_server.endpoint, sdk_bucket.bucket_name, region="cn-hangzhou")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as refused:
        wrong.put_object("v4/signed.txt", b"x", headers={"Content-Type": "text/plain"})
    details = refused.value.details
    assert details["StringToSign"].startswith("OSS4-HMAC-SHA256\n")

    open_console(browser, console_server, "/requests")
    filters = wait(browser, lambda d: (css(d, "#request-filters") or [None])[0])
    filters.find_element("name", "bucket").send_keys(sdk_bucket.bucket_name)
    filters.find_element("name", "key").send_keys("v4/")
    wait(browser, lambda d: len(texts(d, "#requests-table tr[data-seq]")) == 1)
    css(browser, "#requests-table tr[data-seq] button.open")[0].send_keys(Keys.ENTER)
    canonical = wait(browser, lambda d: (css(d, "#server-canonical-request") or [None])[0])
    assert canonical.text == details["CanonicalRequest"].strip()
    assert canonical.text.startswith("PUT\n/%s/v4/signed.txt\n" % sdk_bucket.bucket_name)
    assert css(browser, "#server-string-to-sign")[0].text == details["StringToSign"].strip()
    assert css(browser, "#client-signature")[0].text == details["SignatureProvided"]
    # The focus stays on the row's button after the table redraws.
    assert browser.execute_script("return document.activeElement.className") == "open"


def test_the_journal_filters_by_operation_bucket_key_status_and_errors(console_server, sdk_bucket, browser):
    sdk_bucket.put_object("logs/a.txt", b"a")
    sdk_bucket.put_object("data/b.txt", b"b")
    sdk_bucket.get_object("logs/a.txt").read()
    with pytest.raises(oss2.exceptions.NoSuchKey):
        sdk_bucket.get_object("logs/missing.txt")
    open_console(browser, console_server, "/requests")
    filters = wait(browser, lambda d: (css(d, "#request-filters") or [None])[0])
    rows = "#requests-table tr[data-seq]"

    def columns():  # operation, bucket, key, status, error of every row shown
        return [r[2:7] for r in browser.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(r => [...r.cells].map(c => c.innerText))", rows)]

    filters.find_element("name", "bucket").send_keys(sdk_bucket.bucket_name)
    wait(browser, lambda d: len(columns()) == 5)  # PutBucket, two PutObject, two GetObject
    filters.find_element("name", "operation").send_keys("getobj")  # a part of the name, any case
    wait(browser, lambda d: [c[2] for c in columns()] == ["logs/missing.txt", "logs/a.txt"])
    filters.find_element("name", "errors").click()
    wait(browser, lambda d: columns() == [
        ["GetObject", sdk_bucket.bucket_name, "logs/missing.txt", "404", "NoSuchKey"]])
    filters.find_element("name", "errors").click()
    filters.find_element("name", "operation").clear()
    filters.find_element("name", "key").send_keys("logs/")
    filters.find_element("name", "status").send_keys("200")
    wait(browser, lambda d: columns() == [
        ["GetObject", sdk_bucket.bucket_name, "logs/a.txt", "200", ""],
        ["PutObject", sdk_bucket.bucket_name, "logs/a.txt", "200", ""]])
    # The page's own loads ask for no favicon: nothing of the console's reaches the journal.
    import requests
    journal = requests.get(console_server.endpoint + "/_localoss/requests").json()["requests"]
    assert [e["path"] for e in journal if "favicon" in e["path"]] == []


def test_object_detail_shows_the_acl_and_the_restore_state(console_server, sdk_bucket, browser):
    sdk_bucket.put_object("shared.txt", b"x", headers={"x-oss-object-acl": "public-read"})
    assert sdk_bucket.get_object_acl("shared.txt").acl == "public-read"
    sdk_bucket.put_object("cold.bin", b"cold", headers={"x-oss-storage-class": "Archive"})

    def detail(key):
        open_console(browser, console_server, "/object?bucket=%s&key=%s" % (sdk_bucket.bucket_name, key))
        return wait(browser, lambda d: "".join(texts(d, "#object-detail")))

    assert re.search(r"ACL\s+public-read\n", detail("shared.txt"))
    text = detail("cold.bin")
    assert re.search(r"Storage class\s+Archive\n", text)
    assert re.search(r"Restore\s+frozen \(not restored\)\n", text)
    assert "x-oss-restore" not in sdk_bucket.head_object("cold.bin").headers
    sdk_bucket.restore_object("cold.bin")
    restored = wait(browser, lambda d: sdk_bucket.head_object("cold.bin").headers.get("x-oss-restore"))
    assert re.search(r"Restore\s+" + re.escape(restored) + r"\n", detail("cold.bin"))
    assert re.search(r"ACL\s+default\n", detail("cold.bin"))


def test_every_action_is_reachable_with_the_keyboard_and_shows_a_focus_ring(console_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    name = unique_bucket_name("keys")
    open_console(browser, console_server, "/buckets")
    wait(browser, lambda d: css(d, "#create-bucket"))
    seen = []

    def tab_to(predicate, limit=200):
        for _ in range(limit):
            ActionChains(browser).send_keys(Keys.TAB).perform()  # to whatever has the focus, as a person would
            focused = browser.execute_script("""
                const e = document.activeElement, style = getComputedStyle(e);
                return {tag: e.tagName, text: e.innerText || e.name || '', ring: style.outlineStyle,
                        width: parseFloat(style.outlineWidth), bucket: (e.closest('tr') || {dataset: {}}).dataset.bucket};
            """)
            seen.append(focused)
            if focused["tag"] == "BODY":  # the page redrew what had the focus: Tab starts again from the top
                continue
            assert focused["ring"] != "none" and focused["width"] >= 2, focused  # the focus ring shows
            if predicate(focused):
                return
        raise AssertionError("not reached with Tab: %s" % seen[-5:])

    tab_to(lambda f: f["text"] == "Skip to content")
    tab_to(lambda f: f["text"] == "Requests")
    tab_to(lambda f: f["text"] == "name")
    ActionChains(browser).send_keys(name + Keys.ENTER).perform()
    wait(browser, lambda d: css(d, 'tr[data-bucket="%s"]' % name))
    make_oss2_bucket(console_server.endpoint, name).get_bucket_info()
    tab_to(lambda f: f["bucket"] == name and f["text"] == "Delete")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    browser.switch_to.alert.accept()
    wait(browser, lambda d: not css(d, 'tr[data-bucket="%s"]' % name))
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        make_oss2_bucket(console_server.endpoint, name).get_bucket_info()
