/// Configurations a bucket holds many of, by family and name (schema 12): inventory configurations, live channels,
/// access points. Rows go with their bucket by cascade.
extension Catalog {
    func namedConfiguration(bucket: String, family: String, name: String) throws -> NamedConfiguration? {
        let statement = try prepared(
            "SELECT bucket, name, document, modified FROM named_configurations WHERE bucket = ? AND family = ? AND name = ?"
        )
        statement.bind(.string(bucket), .string(family), .string(name))
        return try statement.step() ? Self.namedConfiguration(statement, family: family) : nil
    }

    /// The family's configurations in name order (then bucket), after `marker`, starting with `prefix`; `bucket`
    /// nil: those of every bucket (access points are listed account-wide).
    func namedConfigurations(
        bucket: String?, family: String, prefix: String = "", after marker: String? = nil, limit: Int
    ) throws -> [NamedConfiguration] {
        var conditions = ["family = ?"]
        var values: [StatementValue?] = [.string(family)]
        if let bucket {
            conditions.append("bucket = ?")
            values.append(.string(bucket))
        }
        if let marker {
            conditions.append("name > ?")
            values.append(.string(marker))
        }
        if !prefix.isEmpty {
            conditions.append("substr(name, 1, ?) = ?")
            values.append(.integer(Int64(prefix.utf8.count)))
            values.append(.string(prefix))
        }
        let statement = try prepared(
            "SELECT bucket, name, document, modified FROM named_configurations WHERE "
                + conditions.joined(separator: " AND ") + " ORDER BY name, bucket LIMIT ?")
        values.append(.integer(Int64(limit)))
        bindAll(statement, values)
        var rows: [NamedConfiguration] = []
        while try statement.step() { rows.append(Self.namedConfiguration(statement, family: family)) }
        return rows
    }

    func namedConfigurationExists(family: String, name: String) throws -> Bool {
        try namedConfigurationOwner(family: family, name: name) != nil
    }

    func namedConfigurationOwner(family: String, name: String) throws -> String? {
        let statement = try prepared("SELECT bucket FROM named_configurations WHERE family = ? AND name = ? LIMIT 1")
        statement.bind(.string(family), .string(name))
        return try statement.step() ? statement.text(0) : nil
    }

    func namedConfigurationCount(bucket: String, family: String) throws -> Int {
        let statement = try prepared("SELECT COUNT(*) FROM named_configurations WHERE bucket = ? AND family = ?")
        statement.bind(.string(bucket), .string(family))
        _ = try statement.step()
        return Int(statement.int(0))
    }

    func setNamedConfiguration(_ configuration: NamedConfiguration) throws {
        try prepared(
            """
            INSERT INTO named_configurations (bucket, family, name, document, modified) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (bucket, family, name) DO UPDATE SET document = excluded.document, modified = excluded.modified
            """
        ).bind(
            .string(configuration.bucket), .string(configuration.family), .string(configuration.name),
            .string(configuration.document), .integer(configuration.modified)
        ).run()
    }

    /// Whether a row was there to delete.
    @discardableResult
    func deleteNamedConfiguration(bucket: String, family: String, name: String) throws -> Bool {
        let existed = try namedConfiguration(bucket: bucket, family: family, name: name) != nil
        try prepared("DELETE FROM named_configurations WHERE bucket = ? AND family = ? AND name = ?").bind(
            .string(bucket), .string(family), .string(name)
        ).run()
        return existed
    }

    private static func namedConfiguration(_ statement: Statement, family: String) -> NamedConfiguration {
        NamedConfiguration(
            bucket: statement.text(0), family: family, name: statement.text(1), document: statement.text(2),
            modified: statement.int(3))
    }

    /// A cached statement ready for new bindings, even if this transaction already ran it.
    private func prepared(_ sql: String) throws -> Statement {
        let statement = try database.prepare(sql)
        statement.reset()
        return statement
    }
}
