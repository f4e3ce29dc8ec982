/// Bucket tags: `?tagging` on the bucket.
extension BucketHandler {
    /// An untagged bucket answers an empty `TagSet`, as pyv2's model documents.
    func getBucketTags(_ bucket: BucketName) throws -> HTTPResponse {
        .xml(TaggingDocument.render(try objects.bucketTags(bucket)))
    }

    func putBucketTags(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        let tags = try TaggingDocument.parse(try context.smallBody(limit: 64 * 1024))
        try TagRules.bucket.validate(tags)
        try objects.setBucketTags(bucket, tags)
        return HTTPResponse(status: 200)
    }

    /// `DELETE /?tagging` removes every tag, `DELETE /?tagging=k1,k2` only those keys; 204 either way.
    func deleteBucketTags(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let keys = context.query.nonEmpty("tagging").map { Set($0.split(separator: ",").map(String.init)) }
        try objects.deleteBucketTags(bucket, keys: keys)
        return HTTPResponse(status: 204)
    }
}
