import Foundation

/// A bounded set of threads that run jobs (connections with input). Threads are started as work needs them, up to
/// `maxWorkers`, and end again after `idleSeconds` without work (a burst leaves no threads behind); each start is
/// checked: when none can be started and none is running, `submit` says so and the caller refuses the connection
/// instead of leaving it unanswered. `@unchecked Sendable`: all state is behind `condition`.
final class WorkerPool<Job>: @unchecked Sendable {
    let maxWorkers: Int
    let idleSeconds: Double
    private let startThread: DetachedThread.Starter
    private let work: @Sendable (Job) -> Void
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queueStart = 0
    private var running = 0
    private var waiting = 0
    private var stopping = false
    private let allStopped = DispatchSemaphore(value: 0)

    init(
        maxWorkers: Int, idleSeconds: Double = 5, startThread: @escaping DetachedThread.Starter,
        work: @escaping @Sendable (Job) -> Void
    ) {
        self.maxWorkers = max(1, maxWorkers)
        self.idleSeconds = idleSeconds
        self.startThread = startThread
        self.work = work
    }

    /// Worker threads started and not yet ended.
    var threadCount: Int { condition.withLock { running } }

    enum Submission: Equatable {
        case queued
        /// Queued, but no worker could be started for it: it waits for a running one (`errno` of the failure).
        case queuedWithoutNewWorker(Int32)
        /// No worker runs and none could be started (`errno` of the failure): the job was not taken.
        case refused(Int32)
    }

    func submit(_ job: Job) -> Submission {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return .refused(ESHUTDOWN) }
        queue.append(job)
        if waiting >= queue.count - queueStart {
            condition.signal()
            return .queued
        }
        guard running < maxWorkers else { return .queued }
        let status = startThread(1 << 20) { [self] in runWorker() }
        if status == 0 {
            running += 1
            return .queued
        }
        guard running == 0 else { return .queuedWithoutNewWorker(status) }
        queue.removeLast()
        return .refused(status)
    }

    /// Lets the workers finish what they serve and waits for them to end, at most `timeout` seconds.
    func stop(timeout: Double = 10) {
        let mustWait = condition.withLock {
            stopping = true
            condition.broadcast()
            return running > 0
        }
        if mustWait { _ = allStopped.wait(timeout: .now() + timeout) }
    }

    private func runWorker() {
        while let job = next() { work(job) }
    }

    /// The next job, or nil when the worker should end: the pool stops, or it has been idle for
    /// `idleSeconds` while another worker remains for the next request.
    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while queueStart == queue.count {
            if stopping {
                running -= 1
                if running == 0 { allStopped.signal() }
                return nil
            }
            waiting += 1
            let woken = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
            waiting -= 1
            if !woken, queueStart == queue.count, running > 1, !stopping {
                running -= 1
                return nil
            }
        }
        let job = queue[queueStart]
        queueStart += 1
        if queueStart == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueStart = 0
        }
        return job
    }
}
