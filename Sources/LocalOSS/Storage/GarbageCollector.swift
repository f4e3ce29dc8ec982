/// Start-up sweep: a crash can leave only files nothing points at (writes in `tmp/`, blobs renamed into place
/// whose metadata never committed, blobs whose rows were deleted before the unlink ran). Removes them.
/// Files are listed before references are read: a blob committed in between is then referenced, never taken for
/// an orphan (a file listed second could be newer than the references read first).
struct GarbageCollector {
    let metadata: MetadataStore
    let blobs: BlobStore

    struct Report {
        var temporaryFiles = 0
        var orphanedBlobs = 0
    }

    func collect() throws -> Report {
        var report = Report()
        report.temporaryFiles = blobs.clearTemporaryFiles()
        let names = blobs.allNames()
        let referenced = try metadata.read { try $0.referencedBlobs() }
        let orphans = names.filter { !referenced.contains($0) }
        blobs.remove(orphans)
        report.orphanedBlobs = orphans.count
        return report
    }
}
