/// Queries of bucket retention policies (WORM) and data redundancy transitions.
extension Catalog {
    // MARK: Retention policy

    func retentionPolicy(bucket: String) throws -> RetentionPolicy? {
        let statement = try database.prepare(
            "SELECT worm_id, state, retention_days, created FROM bucket_worm WHERE bucket = ?")
        statement.bind(.string(bucket))
        guard try statement.step(), let state = RetentionPolicy.State(rawValue: statement.text(1)) else { return nil }
        return RetentionPolicy(
            id: statement.text(0), state: state, days: Int(statement.int(2)), created: statement.int(3))
    }

    /// Stores the bucket's policy; nil removes it.
    func setRetentionPolicy(bucket: String, _ policy: RetentionPolicy?) throws {
        guard let policy else {
            try database.prepare("DELETE FROM bucket_worm WHERE bucket = ?").bind(.string(bucket)).run()
            return
        }
        try database.prepare(
            """
            INSERT OR REPLACE INTO bucket_worm (bucket, worm_id, state, retention_days, created)
            VALUES (?, ?, ?, ?, ?)
            """
        ).bind(
            .string(bucket), .string(policy.id), .string(policy.state.rawValue), .int(policy.days),
            .integer(policy.created)
        ).run()
    }

    // MARK: Redundancy transitions

    func setBucketRedundancy(_ name: String, _ redundancy: String) throws {
        database.bucketsChanged = true
        try database.prepare("UPDATE buckets SET redundancy = ? WHERE name = ?").bind(
            .string(redundancy), .string(name)
        ).run()
    }

    func insertRedundancyTransition(_ task: RedundancyTransitionRecord) throws {
        try database.prepare("INSERT INTO redundancy_transitions (task_id, bucket, created) VALUES (?, ?, ?)")
            .bind(.string(task.taskID), .string(task.bucket), .integer(task.created)).run()
    }

    func redundancyTransition(bucket: String, taskID: String) throws -> RedundancyTransitionRecord? {
        let statement = try database.prepare(
            "SELECT task_id, bucket, created FROM redundancy_transitions WHERE task_id = ? AND bucket = ?")
        statement.bind(.string(taskID), .string(bucket))
        guard try statement.step() else { return nil }
        return RedundancyTransitionRecord(
            taskID: statement.text(0), bucket: statement.text(1), created: statement.int(2))
    }

    func deleteRedundancyTransition(taskID: String) throws {
        try database.prepare("DELETE FROM redundancy_transitions WHERE task_id = ?").bind(.string(taskID)).run()
    }

    /// Tasks in creation order (their ids sort so), of one bucket or of all, from `start` (inclusive) on.
    func redundancyTransitions(bucket: String?, from start: String?, limit: Int) throws
        -> [RedundancyTransitionRecord]
    {
        var conditions: [String] = []
        var values: [StatementValue] = []
        if let bucket {
            conditions.append("bucket = ?")
            values.append(.string(bucket))
        }
        if let start {
            conditions.append("task_id >= ?")
            values.append(.string(start))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statement = try database.prepare(
            "SELECT task_id, bucket, created FROM redundancy_transitions \(filter) ORDER BY task_id LIMIT ?")
        for (index, value) in values.enumerated() { statement.bind(at: Int32(index + 1), value) }
        statement.bind(at: Int32(values.count + 1), .int(limit))
        var result: [RedundancyTransitionRecord] = []
        while try statement.step() {
            result.append(
                RedundancyTransitionRecord(
                    taskID: statement.text(0), bucket: statement.text(1), created: statement.int(2)))
        }
        return result
    }
}
