extension ConsoleAssets {
    static let script = #"""
        "use strict";
        // LocalOSS console: talks only to the control plane's JSON endpoints (/_localoss/...), never to OSS itself.
        const API = "/_localoss";
        const PAGE_SIZE = 100;
        const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
        const PART_SIZE = 5 * 1024 * 1024;
        const JOURNAL_KEPT = 1000;

        // Off loopback the page is opened once with ?token=<admin token>; the server answers with a cookie that
        // carries it on every later request of the console (the API, downloads), so the script never holds it.
        if (new URLSearchParams(location.search).has("token")) history.replaceState(null, "", location.pathname + location.hash);
        const main = document.getElementById("main");
        const enc = encodeURIComponent;

        function h(tag, attrs, ...children) {
          const el = document.createElement(tag);
          for (const [name, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
            else if (name === "class") el.className = value;
            else if (name === "value") el.value = value;
            else el.setAttribute(name, value === true ? "" : value);
          }
          for (const child of children.flat(Infinity)) {
            if (child === null || child === undefined || child === false) continue;
            el.append(child instanceof Node ? child : String(child));
          }
          return el;
        }

        // Replaces an element's children; arrays are flattened, null and false left out.
        function fill(el, ...children) {
          el.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
        }

        async function api(method, path, body) {
          const headers = {};
          let payload;
          if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
          const reply = await fetch(API + path, { method, headers, body: payload, cache: "no-store" });
          const text = await reply.text();
          let data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: "unreadable reply", detail: text }; }
          if (!reply.ok) {
            const failure = new Error((data && data.error || reply.status) + (data && data.detail ? ": " + data.detail : ""));
            failure.status = reply.status;
            throw failure;
          }
          return data;
        }

        function link(path) { return API + path; }

        function notify(message, isError) {
          const status = document.getElementById("status");
          status.textContent = message;
          status.className = "shown" + (isError ? " error" : "");
          clearTimeout(notify.timer);
          if (!isError) notify.timer = setTimeout(() => { status.textContent = ""; status.className = ""; }, 4000);
        }

        function size(bytes) {
          if (bytes === null || bytes === undefined) return "";
          const units = ["B", "KiB", "MiB", "GiB", "TiB"];
          let value = bytes, unit = 0;
          while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
          return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
        }

        function time(iso) { return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : ""; }

        function table(id, columns, rows, empty) {
          return h("div", { class: "scroll" }, h("table", { id },
            h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col", class: c.startsWith("#") ? "num" : null }, c.replace(/^#/, ""))))),
            h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: columns.length, class: "hint" }, empty || "Nothing here.")))));
        }

        function facts(pairs) {
          return h("dl", { class: "facts" }, pairs.filter(p => p[1] !== null && p[1] !== undefined && p[1] !== "")
            .map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]));
        }

        function field(label, input) { return h("label", {}, label, input); }

        function choice(name, values, selected) {
          return h("select", { name }, values.map(v => h("option", { value: v, selected: v === selected }, v)));
        }

        function headerValue(headers, name) {
          for (const [key, value] of Object.entries(headers || {})) if (key.toLowerCase() === name) return value;
          return null;
        }

        function xmlElement(xml, name) {
          if (!xml) return null;
          const doc = new DOMParser().parseFromString(xml, "application/xml");
          const node = doc.getElementsByTagName(name)[0];
          return node ? node.textContent : null;
        }

        // ---- Routing: #/section?parameters
        let leaving = () => {};
        const views = {
          "/buckets": viewBuckets, "/objects": viewObjects, "/object": viewObject, "/uploads": viewUploads,
          "/requests": viewRequests, "/control": viewControl,
        };

        async function route() {
          leaving();
          leaving = () => {};
          const [path, parameters] = (location.hash.slice(1) || "/buckets").split("?");
          const view = views[path] || viewBuckets;
          const section = { "/objects": "buckets", "/object": "buckets" }[path] || path.slice(1) || "buckets";
          for (const link of document.querySelectorAll("nav a")) {
            if (link.dataset.section === section) link.setAttribute("aria-current", "page");
            else link.removeAttribute("aria-current");
          }
          try {
            await view(new URLSearchParams(parameters || ""));
          } catch (failure) {
            fill(main, h("h1", {}, "Cannot show this"), h("p", { class: "hint" }, failure.message));
          }
        }

        function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }

        // ---- Buckets
        async function viewBuckets() {
          const data = await api("GET", "/console/api/buckets");
          const form = h("form", { class: "inline panel", id: "create-bucket", onsubmit: async event => {
            event.preventDefault();
            const values = new FormData(event.target);
            try {
              await api("POST", "/console/api/buckets/" + enc(values.get("name")),
                { acl: values.get("acl"), storageClass: values.get("storageClass") });
              notify("Bucket " + values.get("name") + " created");
              route();
            } catch (failure) { notify(failure.message, true); }
          } },
            field("Name", h("input", { name: "name", required: true, placeholder: "my-bucket", "aria-label": "Bucket name" })),
            field("ACL", choice("acl", ["private", "public-read", "public-read-write"])),
            field("Storage class", choice("storageClass", ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"])),
            h("button", { type: "submit", class: "primary" }, "Create bucket"));
          const rows = data.buckets.map(b => h("tr", { "data-bucket": b.name },
            h("td", {}, h("a", { href: "#/objects?bucket=" + enc(b.name) }, b.name)),
            h("td", { class: "num" }, b.objects),
            h("td", { class: "num", title: b.bytes + " bytes" }, size(b.bytes)),
            h("td", { class: "num" }, h("a", { href: "#/uploads?bucket=" + enc(b.name) }, b.uploads)),
            h("td", {}, b.acl), h("td", {}, b.versioning || "off"), h("td", {}, b.storageClass),
            h("td", {}, time(b.created)),
            h("td", {}, h("button", { class: "danger", onclick: () => deleteBucket(b.name) }, "Delete"))));
          fill(main, h("h1", {}, "Buckets"), form,
            table("bucket-table", ["Name", "#Objects", "#Size", "#Uploads", "ACL", "Versioning", "Storage class", "Created", ""],
              rows, "No buckets yet: create one above or with an SDK."));
        }

        async function deleteBucket(name) {
          if (!confirm("Delete bucket " + name + "? It must be empty.")) return;
          try { await api("DELETE", "/console/api/buckets/" + enc(name)); notify("Bucket " + name + " deleted"); route(); }
          catch (failure) { notify(failure.message, true); }
        }

        // ---- Objects of a bucket, by folder
        async function viewObjects(q) {
          const bucket = q.get("bucket"), prefix = q.get("prefix") || "", marker = q.get("marker") || "";
          const searching = q.get("search") === "1";
          const base = "/console/api/buckets/" + enc(bucket);
          const [detail, page] = await Promise.all([
            api("GET", base),
            api("GET", base + "/objects?prefix=" + enc(prefix) + "&delimiter=" + (searching ? "" : "/") +
              "&marker=" + enc(marker) + "&max=" + PAGE_SIZE)]);
          const folder = p => "#/objects?bucket=" + enc(bucket) + "&prefix=" + enc(p);
          const crumbs = [h("a", { href: folder("") }, bucket)];
          let walked = "";
          if (!searching) {
            for (const part of prefix.split("/").filter(Boolean)) {
              walked += part + "/";
              crumbs.push(h("span", { class: "sep" }, "/"), h("a", { href: folder(walked) }, part));
            }
          } else {
            crumbs.push(h("span", { class: "sep" }, "·"), h("span", {}, "keys starting with “" + prefix + "”"));
          }
          const search = h("form", { class: "inline", role: "search", onsubmit: event => {
            event.preventDefault();
            const text = new FormData(event.target).get("prefix");
            go("#/objects?bucket=" + enc(bucket) + "&prefix=" + enc(text) + (text ? "&search=1" : ""));
          } }, field("Search by key prefix", h("input", { name: "prefix", id: "search-prefix", value: searching ? prefix : "" })),
            h("button", { type: "submit" }, "Search"));
          const rows = [
            ...page.prefixes.map(p => h("tr", { class: "folder" },
              h("td", {}, h("a", { href: folder(p) }, "📁 " + (searching ? p : p.slice(prefix.length)))),
              h("td", {}), h("td", {}), h("td", {}), h("td", {}), h("td", {}))),
            ...page.objects.map(o => h("tr", { "data-key": o.key },
              h("td", {}, h("a", { href: "#/object?bucket=" + enc(bucket) + "&key=" + enc(o.key) }, searching ? o.key : o.key.slice(prefix.length))),
              h("td", { class: "num", title: o.size + " bytes" }, size(o.size)),
              h("td", {}, time(o.lastModified)), h("td", {}, o.storageClass),
              h("td", { class: "mono" }, o.etag),
              h("td", {}, h("a", { href: link(base + "/download?key=" + enc(o.key)), download: "" }, "Download"))))];
          const pager = h("div", { class: "pager" },
            marker ? h("a", { href: folder(prefix) + (searching ? "&search=1" : "") }, "First page") : null,
            page.isTruncated ? h("a", { id: "next-page", href: folder(prefix) + (searching ? "&search=1" : "") + "&marker=" + enc(page.nextMarker) }, "Next page") : null);
          fill(main, 
            h("h1", {}, "Bucket " + bucket),
            h("div", { class: "split wide" },
              h("div", {},
                h("nav", { class: "crumbs", "aria-label": "Folder", id: "crumbs" }, crumbs), search,
                table("objects-table", ["Name", "#Size", "Last modified", "Storage class", "ETag", ""], rows, "No objects here."),
                pager, uploadPanel(bucket, searching ? "" : prefix)),
              bucketPanel(detail)));
        }

        function bucketPanel(detail) {
          const b = detail.bucket;
          const names = Object.keys(detail.configurations).sort();
          return h("section", { class: "panel", id: "bucket-info", "aria-label": "Bucket" },
            h("h2", {}, "Bucket"),
            facts([["ACL", b.acl], ["Versioning", b.versioning || "off"], ["Storage class", b.storageClass],
              ["Redundancy", b.redundancy], ["Created", time(b.created)], ["Objects", b.objects], ["Size", size(b.bytes)],
              ["Uploads in progress", h("a", { href: "#/uploads?bucket=" + enc(b.name) }, b.uploads + " (" + b.parts + " parts)")],
              ["Tags", detail.tags.map(t => t.key + "=" + t.value).join(", ")],
              ["Default encryption", detail.encryption || "none"], ["Archive direct read", detail.archiveDirectRead ? "on" : "off"]]),
            h("h3", {}, "Configurations"),
            names.length ? names.map(n => h("details", {}, h("summary", {}, n), h("pre", {}, detail.configurations[n])))
              : h("p", { class: "hint" }, "None stored (CORS, lifecycle, website, … appear here once set)."),
            h("p", {}, h("button", { class: "danger", onclick: () => deleteBucket(b.name).then(() => go("#/buckets")) }, "Delete bucket")));
        }

        // ---- Upload from the page: one PUT for small files, multipart (5 MiB parts) for large ones.
        let lastUpload = null;

        function uploadPanel(bucket, prefix) {
          const file = h("input", { type: "file", id: "upload-file", name: "file", required: true });
          const key = h("input", { id: "upload-key", name: "key", placeholder: prefix + "<file name>", size: 30 });
          const progress = h("progress", { id: "upload-progress", max: 100, value: lastUpload && lastUpload.bucket === bucket ? 100 : 0, "aria-label": "Upload progress" });
          const finished = lastUpload && lastUpload.bucket === bucket ? lastUpload : null;
          lastUpload = null;
          const status = h("span", { id: "upload-status", "aria-live": "polite", "data-done": finished ? "1" : null }, finished ? finished.text : "");
          const cancel = h("button", { type: "button", id: "upload-cancel", disabled: true }, "Cancel");
          const start = h("button", { type: "submit", id: "upload-start", class: "primary" }, "Upload");
          const form = h("form", { class: "inline", onsubmit: event => {
            event.preventDefault();
            const chosen = file.files[0];
            if (!chosen) return;
            uploadFile(bucket, key.value || prefix + chosen.name, chosen, { progress, status, cancel, start });
          } }, field("File", file), field("Key", key), start, cancel, progress, status);
          return h("section", { class: "panel", "aria-label": "Upload" }, h("h2", {}, "Upload"), form,
            h("p", { class: "hint" }, "Files over " + size(MULTIPART_THRESHOLD) + " go up as a multipart upload in " +
              size(PART_SIZE) + " parts; Cancel aborts it."));
        }

        async function uploadFile(bucket, key, file, ui) {
          const base = "/console/api/buckets/" + enc(bucket);
          const type = enc(file.type || "application/octet-stream");
          const state = { request: null, cancelled: false };
          let uploadId = null;
          ui.start.disabled = true;
          ui.cancel.disabled = false;
          ui.cancel.onclick = () => { state.cancelled = true; if (state.request) state.request.abort(); };
          const report = (done, note) => {
            ui.progress.value = file.size ? Math.floor(done * 100 / file.size) : 100;
            ui.status.textContent = size(done) + " of " + size(file.size) + (note ? " · " + note : "");
          };
          try {
            if (file.size < MULTIPART_THRESHOLD) {
              await send(state, "PUT", base + "/object?key=" + enc(key) + "&contentType=" + type, file, n => report(n));
            } else {
              uploadId = (await api("POST", base + "/uploads?key=" + enc(key) + "&contentType=" + type)).uploadId;
              const count = Math.ceil(file.size / PART_SIZE);
              for (let part = 1; part <= count; part++) {
                if (state.cancelled) throw new Error("cancelled");
                const from = (part - 1) * PART_SIZE;
                await send(state, "PUT", base + "/uploads/" + enc(uploadId) + "/parts/" + part + "?key=" + enc(key),
                  file.slice(from, from + PART_SIZE), n => report(from + n, "multipart, part " + part + " of " + count));
              }
              await api("POST", base + "/uploads/" + enc(uploadId) + "/complete?key=" + enc(key));
            }
            lastUpload = { bucket, text: "Uploaded " + key + " (" + size(file.size) + ")" };
            notify("Uploaded " + key);
            // The folder's listing again, with the new object; the panel keeps saying what was uploaded.
            route();
            return;
          } catch (failure) {
            if (uploadId) await api("DELETE", base + "/uploads/" + enc(uploadId) + "?key=" + enc(key)).catch(() => {});
            ui.status.textContent = state.cancelled ? "Cancelled: the upload was aborted" : "Failed: " + failure.message;
            notify(ui.status.textContent, !state.cancelled);
          } finally {
            ui.start.disabled = false;
            ui.cancel.disabled = true;
          }
        }

        function send(state, method, path, blob, onProgress) {
          return new Promise((resolve, reject) => {
            const request = new XMLHttpRequest();
            state.request = request;
            request.open(method, API + path);
            request.upload.onprogress = event => onProgress(event.loaded);
            request.onload = () => {
              if (request.status >= 200 && request.status < 300) return resolve(request.responseText);
              let message = request.status + "";
              try { const data = JSON.parse(request.responseText); message = data.error + ": " + data.detail; } catch (e) {}
              reject(new Error(message));
            };
            request.onerror = () => reject(new Error("network error"));
            request.onabort = () => reject(new Error("cancelled"));
            request.send(blob);
          });
        }

        // ---- One object
        async function viewObject(q) {
          const bucket = q.get("bucket"), key = q.get("key");
          const base = "/console/api/buckets/" + enc(bucket);
          const o = await api("GET", base + "/object?key=" + enc(key));
          const slash = key.lastIndexOf("/");
          const folder = "#/objects?bucket=" + enc(bucket) + "&prefix=" + enc(slash >= 0 ? key.slice(0, slash + 1) : "");
          const userMetadata = o.metadata.filter(m => m[0].startsWith("x-oss-meta-"));
          const otherHeaders = o.metadata.filter(m => !m[0].startsWith("x-oss-meta-"));
          fill(main, 
            h("nav", { class: "crumbs", "aria-label": "Back" }, h("a", { href: folder }, "← " + bucket + "/" + (slash >= 0 ? key.slice(0, slash + 1) : ""))),
            h("h1", {}, key),
            h("section", { class: "panel", id: "object-detail" },
              facts([["Size", size(o.size) + " (" + o.size + " bytes)"], ["ETag", o.etag], ["CRC64", o.crc64],
                ["Content-Type", o.contentType], ["Last modified", time(o.lastModified)], ["Storage class", o.storageClass],
                ["Restore", o.restore || (["Archive", "ColdArchive", "DeepColdArchive"].includes(o.storageClass) ? "frozen (not restored)" : null)],
                ["Type", o.type], ["ACL", o.acl], ["Version id", o.versionId], ["Symlink target", o.symlinkTarget],
                ["Tags", o.tags.map(t => t.key + "=" + t.value).join(", ")]]),
              h("p", {},
                h("a", { href: link(base + "/download?key=" + enc(key)), download: "", id: "download" }, "Download"), " ",
                h("button", { class: "danger", onclick: async () => {
                  if (!confirm("Delete " + key + "?")) return;
                  try { await api("DELETE", base + "/object?key=" + enc(key)); notify("Deleted " + key); go(folder); }
                  catch (failure) { notify(failure.message, true); }
                } }, "Delete"))),
            h("h2", {}, "User metadata"),
            table("metadata-table", ["Name", "Value"], userMetadata.map(m => h("tr", {}, h("td", { class: "mono" }, m[0]), h("td", {}, m[1]))), "No x-oss-meta-* headers."),
            otherHeaders.length ? [h("h2", {}, "Stored headers"),
              table("headers-table", ["Name", "Value"], otherHeaders.map(m => h("tr", {}, h("td", { class: "mono" }, m[0]), h("td", {}, m[1]))))] : null,
            // Newest first, as ListObjectVersions orders them: the first is the latest.
            o.versions ? [h("h2", {}, "Versions"), table("versions-table", ["Version id", "#Size", "ETag", "Last modified", "Latest", "Delete marker"],
              o.versions.map((v, index) => h("tr", {}, h("td", { class: "mono" }, v.versionId), h("td", { class: "num" }, size(v.size)),
                h("td", { class: "mono" }, v.etag), h("td", {}, time(v.lastModified)), h("td", {}, index === 0 ? "yes" : ""),
                h("td", {}, v.isDeleteMarker ? "yes" : ""))))] : null);
        }

        // ---- Multipart uploads in progress
        async function viewUploads(q) {
          const buckets = (await api("GET", "/console/api/buckets")).buckets;
          const bucket = q.get("bucket") || (buckets.find(b => b.uploads > 0) || buckets[0] || {}).name;
          const picker = h("form", { class: "inline" }, field("Bucket", h("select", { id: "uploads-bucket", onchange: e => go("#/uploads?bucket=" + enc(e.target.value)) },
            buckets.map(b => h("option", { value: b.name, selected: b.name === bucket }, b.name + " (" + b.uploads + ")")))),
            h("button", { type: "button", onclick: () => route() }, "Refresh"));
          if (!bucket) { fill(main, h("h1", {}, "Uploads in progress"), h("p", { class: "hint" }, "No buckets.")); return; }
          const base = "/console/api/buckets/" + enc(bucket);
          const uploads = (await api("GET", base + "/uploads")).uploads;
          const sections = uploads.map(u => h("section", { class: "panel upload", "data-upload-id": u.uploadId },
            h("h2", {}, u.key),
            facts([["Upload id", h("span", { class: "mono" }, u.uploadId)], ["Initiated", time(u.initiated)],
              ["Storage class", u.storageClass], ["Parts", u.parts.length + " (" + size(u.parts.reduce((s, p) => s + p.size, 0)) + ")"]]),
            table(null, ["#Part", "#Size", "ETag", "CRC64", "Uploaded"], u.parts.map(p => h("tr", {},
              h("td", { class: "num" }, p.number), h("td", { class: "num", title: p.size + " bytes" }, size(p.size)),
              h("td", { class: "mono" }, p.etag), h("td", { class: "mono" }, p.crc64), h("td", {}, time(p.lastModified)))), "No parts yet."),
            h("p", {}, h("button", { class: "danger abort", onclick: async () => {
              if (!confirm("Abort the upload of " + u.key + "?")) return;
              try { await api("DELETE", base + "/uploads/" + enc(u.uploadId) + "?key=" + enc(u.key)); notify("Aborted " + u.uploadId); route(); }
              catch (failure) { notify(failure.message, true); }
            } }, "Abort"))));
          fill(main, h("h1", {}, "Uploads in progress"), picker,
            h("div", { id: "uploads" }, sections.length ? sections : h("p", { class: "hint" }, "No multipart uploads in progress in " + bucket + ".")));
        }

        // ---- The request journal, live
        const journal = { entries: [], lastSeq: 0, selected: null };

        async function viewRequests() {
          const filters = h("form", { class: "inline", id: "request-filters", oninput: () => renderRequests(), onsubmit: e => e.preventDefault() },
            field("Operation", h("input", { name: "operation", size: 14 })), field("Bucket", h("input", { name: "bucket", size: 12 })),
            field("Key prefix", h("input", { name: "key", size: 12 })), field("Status", h("input", { name: "status", size: 4 })),
            h("label", { class: "check" }, h("input", { type: "checkbox", name: "errors" }), "Errors only"),
            h("label", { class: "check" }, h("input", { type: "checkbox", name: "live", id: "live", checked: true }), "Live"),
            h("button", { type: "button", onclick: async () => {
              await api("DELETE", "/requests"); journal.entries = []; journal.selected = null; renderRequests(); showRequest(null);
            } }, "Clear journal"));
          fill(main, h("h1", {}, "Requests"), filters,
            h("div", { class: "split wide" }, h("div", { id: "requests" }), h("section", { class: "panel", id: "request-detail", "aria-label": "Request detail" })));
          showRequest(journal.entries.find(e => e.seq === journal.selected) || null);
          let timer = null, stopped = false;
          const poll = async () => {
            if (stopped) return;
            if (document.getElementById("live").checked) {
              try {
                const fresh = (await api("GET", "/requests?since=" + journal.lastSeq)).requests;
                if (fresh.length) {
                  journal.entries.push(...fresh);
                  journal.entries = journal.entries.slice(-JOURNAL_KEPT);
                  journal.lastSeq = fresh[fresh.length - 1].seq;
                  renderRequests();
                }
              } catch (failure) { notify(failure.message, true); }
            }
            if (!stopped) timer = setTimeout(poll, 1000);
          };
          renderRequests();
          await poll();
          leaving = () => { stopped = true; clearTimeout(timer); };
        }

        function renderRequests() {
          const holder = document.getElementById("requests");
          if (!holder) return;
          const f = new FormData(document.getElementById("request-filters"));
          const text = name => (f.get(name) || "").trim();
          const shown = journal.entries.filter(e =>
            (!text("operation") || (e.operation || "").toLowerCase().includes(text("operation").toLowerCase())) &&
            (!text("bucket") || e.bucket === text("bucket")) &&
            (!text("key") || (e.key || "").startsWith(text("key"))) &&
            (!text("status") || String(e.status) === text("status")) &&
            (!f.get("errors") || e.status >= 400)).reverse();
          const rows = shown.map(e => h("tr", { class: (e.status >= 400 ? "failed" : "") + (e.seq === journal.selected ? " selected" : ""), "data-seq": e.seq },
            h("td", { class: "num" }, h("button", { class: "open", "aria-label": "Show request " + e.seq, onclick: () => { journal.selected = e.seq; renderRequests(); showRequest(e); } }, e.seq)),
            // Eight columns fit beside the detail pane at 1280 px: the method goes with the operation, the fault rule
            // that answered with the error.
            h("td", {}, time(e.time).slice(11)), h("td", { title: e.method }, e.operation || e.method),
            h("td", {}, e.bucket || ""), h("td", {}, e.key || ""), h("td", { class: "num status" }, e.status),
            h("td", {}, e.errorCode || "", e.fault ? h("span", { class: "hint" }, " · fault " + e.fault) : null),
            h("td", { class: "num" }, e.durationMs.toFixed(1))));
          // A redraw (every new request while live) replaces the rows: the focused row's button keeps the focus.
          const focused = holder.contains(document.activeElement) ? document.activeElement.closest("tr") : null;
          fill(holder, table("requests-table", ["#", "Time", "Operation", "Bucket", "Key", "#Status", "Error", "#ms"],
            rows, "No requests yet: point an SDK at this server."));
          const again = focused && holder.querySelector('tr[data-seq="' + focused.dataset.seq + '"] button.open');
          if (again) again.focus();
        }

        function headerTable(headers) {
          const names = Object.keys(headers || {}).sort();
          return table(null, ["Name", "Value"], names.map(n => h("tr", {}, h("td", { class: "mono" }, n), h("td", { class: "mono" }, headers[n]))), "None recorded.");
        }

        function showRequest(e) {
          const pane = document.getElementById("request-detail");
          if (!pane) return;
          if (!e) { fill(pane, h("p", { class: "hint" }, "Pick a request (its number) to see its headers, error and signature.")); return; }
          fill(pane, 
            h("h2", {}, e.method + " " + e.path),
            facts([["Request id", h("span", { class: "mono" }, e.requestId)], ["Time", time(e.time)], ["Operation", e.operation],
              ["Query", e.query], ["Status", e.status], ["Error code", e.errorCode], ["Duration", e.durationMs.toFixed(2) + " ms"],
              ["Body", e.bodyBytes + " bytes"], ["Body MD5", e.bodyMD5], ["Fault", e.fault]]),
            e.stringToSign !== null && e.stringToSign !== undefined ? signaturePanel(e) : null,
            h("h3", {}, "Request headers"), headerTable(e.headers),
            h("h3", {}, "Response headers"), headerTable(e.responseHeaders),
            e.errorBody ? [h("h3", {}, "Error reply"), h("pre", { id: "error-body" }, e.errorBody)] : null);
        }

        function signaturePanel(e) {
          const provided = xmlElement(e.errorBody, "SignatureProvided");
          const authorization = headerValue(e.headers, "authorization");
          return h("section", { class: "signature", id: "signature-panel" },
            h("h3", {}, "Signature does not match"),
            h("div", { class: "cols" },
              h("div", {}, h("h4", {}, "Server's StringToSign"), h("pre", { id: "server-string-to-sign" }, e.stringToSign),
                e.canonicalRequest ? [h("h4", {}, "Server's CanonicalRequest"), h("pre", { id: "server-canonical-request" }, e.canonicalRequest)] : null),
              h("div", {}, h("h4", {}, "Client's signature"), h("pre", { id: "client-signature" }, provided || "(not in the reply)"),
                h("h4", {}, "Client's Authorization"), h("pre", {}, authorization || "(none: signed in the query) " + e.query))),
            h("p", { class: "hint" }, "The server signed the string on the left with the secret it knows. Compare it line by line with " +
              "the string your SDK signed (most log it at debug level): a differing line is the bug; identical strings mean a different secret."));
        }

        // ---- Control: faults, state, clock
        const OPERATIONS = ["PutObject", "GetObject", "HeadObject", "DeleteObject", "CopyObject", "AppendObject",
          "InitiateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload",
          "ListParts", "ListMultipartUploads", "ListObjects", "ListObjectsV2", "ListBuckets", "PutBucket", "DeleteBucket",
          "GetBucketInfo", "HeadBucket"];
        const ACTIONS = ["error", "delay", "resetAfterBodyBytes", "dropResponseAfterCommit", "truncateBody", "corruptBody", "wrongChecksum", "stall"];

        async function viewControl() {
          const [faults, snapshots, clock] = await Promise.all([api("GET", "/faults"), api("GET", "/snapshots"), api("GET", "/clock")]);
          fill(main, h("h1", {}, "Control"),
            faultSection(faults.faults),
            h("div", { class: "grid2" }, stateSection(snapshots.snapshots), clockSection(clock)));
          // Hits climb while the page is open: the rules' table and the server time are polled every second
          // (the table is redrawn only when a rule changed, so focus on its buttons stays put).
          let shown = JSON.stringify(faults.faults), timer = null, stopped = false;
          const poll = async () => {
            try {
              const [fresh, now] = await Promise.all([api("GET", "/faults"), api("GET", "/clock")]);
              if (stopped) return;
              const text = JSON.stringify(fresh.faults);
              const holder = document.getElementById("faults-list");
              if (text !== shown && holder) { shown = text; fill(holder, faultTable(fresh.faults)); }
              const clockNow = document.getElementById("clock-now");
              if (clockNow) clockNow.textContent = time(now.now);
              // A frozen clock falls behind real time: its offset (whole seconds) grows while the page is open.
              const clockOffset = document.getElementById("clock-offset");
              if (clockOffset) clockOffset.textContent = Math.round(now.offsetSeconds) + " s";
            } catch (failure) { if (!stopped) notify(failure.message, true); }
            if (!stopped) timer = setTimeout(poll, 1000);
          };
          timer = setTimeout(poll, 1000);
          leaving = () => { stopped = true; clearTimeout(timer); };
        }

        function describeAction(a) {
          if (a.type === "error") return "error " + a.status + " " + a.code + (a.message ? " “" + a.message + "”" : "");
          const rest = Object.entries(a).filter(([k]) => k !== "type").map(([k, v]) => k + "=" + v);
          return a.type + (rest.length ? " " + rest.join(" ") : "");
        }

        function faultTable(faults) {
          const rows = faults.map(f => h("tr", { "data-fault": f.id },
            h("td", { class: "mono" }, f.id),
            h("td", {}, Object.entries(f.match || {}).map(([k, v]) => k + "=" + v).join(" ") || "every request"),
            h("td", {}, describeAction(f.action)),
            h("td", {}, [f.times != null ? "first " + f.times : null, f.after ? "after " + f.after : null,
              f.probability != null && f.probability < 1 ? "p=" + f.probability : null].filter(Boolean).join(", ") || "always"),
            h("td", { class: "num hits" }, f.hits), h("td", { class: "num" }, f.matched),
            h("td", {}, h("button", { class: "danger", "aria-label": "Remove fault " + f.id, onclick: async () => { await api("DELETE", "/faults/" + enc(f.id)); route(); } }, "Remove"))));
          return [table("faults-table", ["Id", "Match", "Action", "Budget", "#Hits", "#Matched", ""], rows, "No fault rules."),
            faults.length ? h("p", {}, h("button", { onclick: async () => { await api("DELETE", "/faults"); route(); } }, "Remove all")) : null];
        }

        function faultSection(faults) {
          const form = h("form", { class: "inline", id: "fault-form", onsubmit: async event => {
            event.preventDefault();
            const v = new FormData(event.target);
            const match = {};
            for (const name of ["operation", "method", "bucket", "keyPrefix"]) if (v.get(name)) match[name] = v.get(name);
            const type = v.get("type");
            const action = { type };
            const number = name => Number(v.get(name));
            if (type === "error") {
              action.status = number("status"); action.code = v.get("code");
              if (v.get("message")) action.message = v.get("message");
            }
            if (type === "delay") action.ms = number("ms");
            if (type === "resetAfterBodyBytes" || type === "truncateBody") action.bytes = number("bytes");
            if (type === "corruptBody") action.offset = number("bytes");
            const rule = { match, action };
            if (v.get("times")) rule.times = number("times");
            try { const added = await api("POST", "/faults", rule); notify("Fault " + added.id + " added"); route(); }
            catch (failure) { notify(failure.message, true); }
          } },
            field("Operation", h("input", { name: "operation", list: "operations", size: 16, id: "fault-operation" })),
            h("datalist", { id: "operations" }, OPERATIONS.map(o => h("option", { value: o }))),
            field("Method", h("input", { name: "method", size: 6 })), field("Bucket", h("input", { name: "bucket", size: 12, id: "fault-bucket" })),
            field("Key prefix", h("input", { name: "keyPrefix", size: 10 })),
            field("Action", h("select", { name: "type", id: "fault-type" }, ACTIONS.map(a => h("option", { value: a }, a)))),
            field("Status", h("input", { name: "status", value: "503", size: 4, id: "fault-status" })),
            field("Code", h("input", { name: "code", value: "ServiceUnavailable", size: 16, id: "fault-code" })),
            field("Message", h("input", { name: "message", size: 14 })),
            field("Delay ms", h("input", { name: "ms", value: "1000", size: 5 })),
            field("Bytes / offset", h("input", { name: "bytes", value: "0", size: 6 })),
            field("Times", h("input", { name: "times", size: 4, id: "fault-times", placeholder: "all" })),
            h("button", { type: "submit", class: "primary", id: "fault-add" }, "Add fault"));
          return h("section", { class: "panel", id: "faults" }, h("h2", {}, "Fault rules"), form,
            h("div", { id: "faults-list" }, faultTable(faults)));
        }

        function stateSection(snapshots) {
          const rows = snapshots.map(s => h("tr", {}, h("td", {}, s.name), h("td", {}, time(s.created)),
            h("td", { class: "num" }, s.buckets), h("td", { class: "num" }, s.objects), h("td", { class: "num" }, s.uploads),
            h("td", {},
              h("button", { onclick: async () => { await api("POST", "/snapshots/" + enc(s.name) + "/restore"); notify("Restored " + s.name); route(); } }, "Restore"), " ",
              h("button", { class: "danger", onclick: async () => { await api("DELETE", "/snapshots/" + enc(s.name)); route(); } }, "Delete"))));
          return h("section", { class: "panel", id: "state" }, h("h2", {}, "State"),
            h("p", {}, h("button", { class: "danger", id: "reset", onclick: async () => {
              if (!confirm("Delete every bucket, object and upload?")) return;
              await api("POST", "/reset"); notify("Server state reset"); route();
            } }, "Reset everything")),
            h("form", { class: "inline", onsubmit: async event => {
              event.preventDefault();
              try { await api("POST", "/snapshots/" + enc(new FormData(event.target).get("name"))); notify("Snapshot saved"); route(); }
              catch (failure) { notify(failure.message, true); }
            } }, field("Snapshot name", h("input", { name: "name", required: true, id: "snapshot-name" })), h("button", { type: "submit" }, "Save snapshot")),
            table("snapshots-table", ["Name", "Created", "#Buckets", "#Objects", "#Uploads", ""], rows, "No snapshots."));
        }

        function clockSection(clock) {
          const change = async body => {
            try { await api("POST", "/clock", body); route(); } catch (failure) { notify(failure.message, true); }
          };
          return h("section", { class: "panel", id: "clock" }, h("h2", {}, "Clock"),
            facts([["Server time", h("span", { id: "clock-now" }, time(clock.now))], ["Offset", h("span", { id: "clock-offset" }, Math.round(clock.offsetSeconds) + " s")],
              ["Frozen", clock.frozen ? "yes" : "no"]]),
            h("p", {}, h("button", { onclick: () => change({ freeze: !clock.frozen }) }, clock.frozen ? "Let it run" : "Freeze")),
            h("form", { class: "inline", onsubmit: event => { event.preventDefault(); change({ advanceSeconds: Number(new FormData(event.target).get("seconds")) }); } },
              field("Advance by (seconds)", h("input", { name: "seconds", value: "3600", size: 8 })), h("button", { type: "submit" }, "Advance")),
            h("form", { class: "inline", onsubmit: event => { event.preventDefault(); change({ offsetSeconds: Number(new FormData(event.target).get("offset")) }); } },
              field("Offset (seconds)", h("input", { name: "offset", value: String(Math.round(clock.offsetSeconds)), size: 8 })), h("button", { type: "submit" }, "Set offset")));
        }

        api("GET", "/health").then(health => {
          document.getElementById("server-info").textContent = "v" + health.version + " · " + health.dataDir;
        }).catch(() => {});
        window.addEventListener("hashchange", route);
        route();
        """#
}
