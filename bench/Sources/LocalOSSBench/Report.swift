import Foundation

/// The table: one line per figure, `name value unit`, then ratio to the MD5 limit, budget, verdict and the peer's
/// figure beside it; notes and failures below.
struct Report {
    let options: Options
    let md5: Double
    let md5Note: String
    let local: Results?
    let peer: Results?

    private struct Row {
        let name: String
        let unit: String
        /// MiB/s figures are also shown as a ratio of the MD5 limit.
        let throughput: Bool
        /// (budget text, pass) from LocalOSS's results; nil: no budget.
        let budget: ((Results) -> (String, Bool?))?
    }

    private var rows: [Row] {
        let par = "par\(options.parallel)"
        func atMost(_ limit: Double, _ unit: String) -> (Results, String) -> (String, Bool?) {
            { results, name in
                let text = "<= \(format(limit, limit == limit.rounded() ? 0 : 1)) \(unit)"
                guard let value = results.value(name) else { return (text, nil) }
                return (text, value <= limit)
            }
        }
        func ofNginx(_ share: Double, _ name: String, _ results: Results) -> (String, Bool?) {
            guard let nginx = results.value("small.nginx_get") else { return (">= \(share)x small.nginx_get", nil) }
            let limit = share * nginx
            return (">= \(format(limit, 0)) req/s (\(share)x nginx GET)", results.value(name).map { $0 >= limit })
        }
        func noSlowerThanPlain(_ name: String) -> (Results) -> (String, Bool?) {
            { results in
                let text = "<= 20 ms and <= 1.1x list.uploads"
                guard let value = results.value(name), let plain = results.value("list.uploads") else {
                    return (text, nil)
                }
                return (text, value <= 20 && value <= plain * 1.1)
            }
        }
        return [
            Row(name: "upload.seq", unit: "MiB/s", throughput: true) { [md5] results in
                let limit = 0.75 * md5
                let text = ">= \(format(limit)) MiB/s (0.75x MD5)"
                return (text, results.value("upload.seq").map { $0 >= limit })
            },
            Row(name: "upload.\(par)", unit: "MiB/s", throughput: true) { results in
                guard let seq = results.value("upload.seq") else { return (">= 1.3x upload.seq", nil) }
                let limit = 1.3 * seq
                return (">= \(format(limit)) MiB/s (1.3x seq)", results.value("upload.\(par)").map { $0 >= limit })
            },
            Row(name: "complete.small", unit: "ms", throughput: false) { atMost(20, "ms")($0, "complete.small") },
            Row(name: "complete.big", unit: "ms", throughput: false, budget: nil),
            Row(name: "complete.per_part_ratio", unit: "x", throughput: false) {
                atMost(1.5, "x (8 MiB vs 100 KiB parts)")($0, "complete.per_part_ratio")
            },
            Row(name: "range.one_part", unit: "us", throughput: false, budget: nil),
            Row(name: "range.many_parts", unit: "us", throughput: false, budget: nil),
            Row(name: "range.ratio", unit: "x", throughput: false) {
                atMost(1.5, "x (1,000 parts vs one)")($0, "range.ratio")
            },
            Row(name: "uploads.setup", unit: "s", throughput: false, budget: nil),
            Row(name: "list.uploads", unit: "ms", throughput: false) { atMost(20, "ms")($0, "list.uploads") },
            Row(
                name: "list.uploads.prefix", unit: "ms", throughput: false,
                budget: noSlowerThanPlain("list.uploads.prefix")),
            Row(
                name: "list.uploads.prefix_delim", unit: "ms", throughput: false,
                budget: noSlowerThanPlain("list.uploads.prefix_delim")),
            Row(name: "list.parts", unit: "ms", throughput: false, budget: nil),
            Row(name: "get.object", unit: "MiB/s", throughput: true) { results in
                (">= 1536 MiB/s (1.5 GiB/s)", results.value("get.object").map { $0 >= 1536 })
            },
            Row(name: "rss.peak", unit: "MiB", throughput: false, budget: nil),
            Row(name: "rss.growth.seq", unit: "MiB", throughput: false) { atMost(32, "MiB")($0, "rss.growth.seq") },
            Row(name: "rss.growth.\(par)", unit: "MiB", throughput: false) {
                atMost(32, "MiB")($0, "rss.growth.\(par)")
            },
            Row(name: "startup.first_answer", unit: "ms", throughput: false) {
                atMost(100, "ms")($0, "startup.first_answer")
            },
            Row(name: "startup.populated", unit: "ms", throughput: false) {
                atMost(100, "ms")($0, "startup.populated")
            },
            Row(name: "conns.rate", unit: "req/s", throughput: false, budget: nil),
            Row(name: "conns.errors", unit: "errors", throughput: false) { results in
                ("= 0", results.value("conns.errors").map { $0 == 0 })
            },
            Row(name: "small.nginx_get", unit: "req/s", throughput: false, budget: nil),
            Row(name: "small.get", unit: "req/s", throughput: false) { results in
                ofNginx(0.5, "small.get", results)
            },
            Row(name: "small.put", unit: "req/s", throughput: false) { results in
                ofNginx(0.2, "small.put", results)
            },
            Row(name: "copy.head_latency.max", unit: "ms", throughput: false) {
                atMost(20, "ms (--durable, during CopyObject)")($0, "copy.head_latency.max")
            },
            Row(name: "copy.head_latency.median", unit: "ms", throughput: false) {
                atMost(20, "ms")($0, "copy.head_latency.median")
            },
            Row(name: "copy.head_latency.idle_max", unit: "ms", throughput: false, budget: nil),
        ]
    }

    func print() {
        var lines: [String] = []
        let peerName = options.peerName
        lines.append(
            "# LocalOSS benchmark (\(options.quick ? "quick" : "full")): \(options.uploadMiB) MiB uploads in \(options.partMiB) MiB parts, "
                + "Complete of \(options.smallParts)x\(options.smallPartBytes / 1024) KiB and \(options.bigParts)x\(options.partMiB) MiB parts, "
                + "\(options.uploads) uploads in progress, \(options.connections) connections x \(options.connectionPartBytes / 1024) KiB parts"
        )
        lines.append(
            "# xMD5 = throughput / single-core MD5 rate (\(format(md5)) MiB/s; \(md5Note)); budgets are reported, never enforced"
        )
        var header =
            pad("# name", 28) + pad("value", 11) + pad("unit", 7) + pad("xMD5", 7) + pad("budget", 44)
            + pad("verdict", 8)
        if peer != nil { header += "| " + pad(peerName, 19) + pad("xMD5", 6) }
        lines.append(header)
        var line =
            pad("md5.limit", 28) + pad(format(md5), 11) + pad("MiB/s", 7) + pad("1.00", 7) + pad("-", 44) + pad("-", 8)
        if peer != nil { line += "| " + pad(format(md5) + " MiB/s", 19) + pad("1.00", 6) }
        lines.append(line)
        var misses: [String] = []
        for row in rows {
            let value = local?.value(row.name)
            var line =
                pad(row.name, 28) + pad(value.map { format($0, digits(row.unit)) } ?? "n/a", 11) + pad(row.unit, 7)
            line += pad(row.throughput ? (value.map { format($0 / md5, 2) } ?? "-") : "-", 7)
            var budgetText = "-"
            var verdict = "-"
            if let budget = row.budget, let local {
                let (text, pass) = budget(local)
                budgetText = text
                if let pass {
                    verdict = pass ? "PASS" : (row.name == "conns.errors" ? "FAIL" : "MISS")
                    if !pass { misses.append(row.name) }
                } else if local.figure(row.name)?.value.isNaN == true {
                    verdict = "n/a"  // not measurable here; the details say why
                } else {
                    verdict = "ERROR"
                }
            }
            line += pad(budgetText, 44) + pad(verdict, 8)
            if let peer {
                let peerValue = peer.value(row.name)
                line += "| " + pad(peerValue.map { "\(format($0, digits(row.unit))) \(row.unit)" } ?? "n/a", 19)
                line += pad(row.throughput ? (peerValue.map { format($0 / md5, 2) } ?? "-") : "-", 6)
            }
            lines.append(line)
        }
        lines.append("# details")
        for row in rows {
            let localNote = local?.figure(row.name)?.note ?? ""
            let peerNote = peer?.figure(row.name)?.note ?? ""
            guard !localNote.isEmpty || !peerNote.isEmpty else { continue }
            var text = "#   \(row.name): \(localNote)"
            if !peerNote.isEmpty { text += " | \(peerName): \(peerNote)" }
            lines.append(text)
        }
        for note in local?.notes ?? [] { lines.append("# localoss note: \(note)") }
        for note in peer?.notes ?? [] { lines.append("# \(peerName) note: \(note)") }
        for failure in local?.failures ?? [] { lines.append("# localoss CORRECTNESS FAILURE: \(failure)") }
        if local == nil, !options.skipLocalOSS {
            lines.append("# localoss CORRECTNESS FAILURE: the run did not complete")
        }
        lines.append("# budget misses: \(misses.isEmpty ? "none" : misses.joined(separator: ", "))")
        lines.append(
            "# correctness: \((local?.failures.isEmpty ?? options.skipLocalOSS) ? "OK" : "FAILED (\(local?.failures.count ?? 1))")"
        )
        Swift.print(lines.joined(separator: "\n"))
    }

    private func digits(_ unit: String) -> Int {
        switch unit {
        case "ms": 2
        case "x", "s": 2
        case "errors": 0
        case "req/s": 0
        default: 1
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
