import Testing

@testable import LocalOSS

/// A request's snapshot of its bucket's configuration documents: read once, reused until a write replaces them.
@Suite struct BucketConfigurationsTests {
    @Test func aSnapshotStaysCurrentUntilAWriteThenReadsAgain() throws {
        let stores = try StoreTests.Stores()
        let store = stores.objects.configurations
        let bucket = stores.bucket.value
        try store.setDocument("<CORSConfiguration/>", name: "cors", bucket: bucket)
        let read = try BucketConfigurations(of: bucket, in: store)
        #expect(read.cors == "<CORSConfiguration/>")
        #expect(read.logging == nil)

        // Unchanged: the snapshot itself, still holding what was read.
        #expect(try read.current(in: store).cors == "<CORSConfiguration/>")

        // The request's own write (PutBucketLogging): what follows its operation sees the new document.
        try store.setDocument("<BucketLoggingStatus/>", name: "logging", bucket: bucket)
        #expect(read.logging == nil)
        #expect(try read.current(in: store).logging == "<BucketLoggingStatus/>")

        try store.deleteDocument("cors", bucket: bucket)
        #expect(try read.current(in: store).cors == nil)
    }

    @Test func anotherBucketIsReadFromTheStore() throws {
        let stores = try StoreTests.Stores()
        let store = stores.objects.configurations
        let other = try BucketName(validating: "other-bucket")
        try stores.objects.createBucket(other, acl: nil, storageClass: nil, redundancy: nil)
        try store.setDocument("<RefererConfiguration/>", name: "referer", bucket: other.value)
        let read = try BucketConfigurations(of: stores.bucket.value, in: store)

        #expect(try BucketConfigurations.of(stores.bucket.value, reusing: read, in: store).referer == nil)
        #expect(try BucketConfigurations.of(other.value, reusing: read, in: store).referer == "<RefererConfiguration/>")
        #expect(throws: OSSError.self) { try BucketConfigurations.of("missing-bucket", reusing: read, in: store) }
    }
}
