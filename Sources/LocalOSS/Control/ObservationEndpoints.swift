import Foundation

/// `GET /_localoss/metrics`, and the journal: `GET /_localoss/requests`, `GET /_localoss/requests/count`,
/// `DELETE /_localoss/requests`.
struct ObservationEndpoints {
    let observer: RequestObserver
    let gauges: @Sendable () -> ScrapeGauges

    var routes: [ControlRoute] {
        [
            ControlRoute("GET", "metrics") { [observer, gauges] _ in
                ControlReply(
                    status: 200,
                    text: MetricsExposition.render(observer.metrics.snapshot(), gauges()),
                    contentType: MetricsExposition.contentType)
            },
            ControlRoute("GET", "requests") { [journal = observer.journal] request in
                let query = try JournalQuery(request.query)
                let entries = journal.entries(matching: query.filter, limit: query.limit)
                return ControlReply(json: ["requests": entries.map(JournalRecord.init)])
            },
            ControlRoute("GET", "requests/count") { [journal = observer.journal] request in
                ControlReply(json: ["count": journal.count(matching: try JournalQuery(request.query).filter)])
            },
            ControlRoute("DELETE", "requests") { [journal = observer.journal] _ in
                journal.clear()
                return .noContent
            },
        ]
    }
}

/// The journal's query parameters: `operation`, `bucket`, `key`, `keyPrefix`, `status` (a number), `since` (a
/// sequence number, or an ISO 8601 time of the server clock), `limit` (the newest N of the matches, still listed
/// oldest first).
struct JournalQuery {
    var filter = JournalFilter()
    var limit: Int?

    init(_ query: QueryParameters) throws(ControlError) {
        filter.operation = query.nonEmpty("operation")
        filter.bucket = query.nonEmpty("bucket")
        filter.key = query.nonEmpty("key")
        filter.keyPrefix = query.nonEmpty("keyPrefix")
        if let text = query.nonEmpty("status") {
            guard let status = Int(text) else {
                throw ControlError(400, "invalid status", "status=\(text) is not a number")
            }
            filter.status = status
        }
        if let text = query.nonEmpty("since") {
            if let seq = UInt64(text) {
                filter.sinceSeq = seq
            } else if let micros = ControlTime.parse(text) {
                filter.sinceMicros = micros
            } else {
                throw ControlError(
                    400, "invalid since", "since=\(text) is neither a sequence number nor an ISO 8601 time")
            }
        }
        if let text = query.nonEmpty("limit") {
            guard let limit = Int(text), limit >= 0 else {
                throw ControlError(400, "invalid limit", "limit=\(text) is not a number of 0 or more")
            }
            self.limit = limit
        }
    }
}
