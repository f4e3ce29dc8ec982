#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts threads with `pthread_create` and reports failure: Foundation's `Thread.start()` gives no sign when the
/// thread cannot be created (a container's pids limit), and the connection it was for would hang for ever.
enum DetachedThread {
    /// Starts `body` on a new detached thread. Returns 0, or the error `pthread_create` reported (EAGAIN when the
    /// process, user or container is out of threads).
    typealias Starter = @Sendable (_ stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Int32

    static let start: Starter = { stackSize, body in
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, &attributes,
            { argument in
                guard let argument else { return nil }
                Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        if status != 0 { box.release() }
        return status
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
