"""Crash harness: the real binary is killed with SIGKILL at chosen points, restarted on the same data directory, and
checked against a model of what it acknowledged.

Each trial (seeded RNG; the seed is printed and `LOCALOSS_SEED=<seed>` replays a run) builds a random workload —
several multipart uploads with re-uploaded part numbers, completes of part subsets, aborts, PutObjects that overwrite
keys — and a crash point: one of the server's `LOCALOSS_CRASH_AT` points with a count n that the workload reaches,
or an external `kill -9` while an UploadPart body is half sent. Points are drawn in shuffled rounds, so every point is
hit in every run. After the crash the harness checks:

* the server died by SIGKILL on exactly the operation that reaches the point for the n-th time;
* before restart: no metadata row names a blob that is missing or of the wrong size (rows only ever follow bytes);
* after restart: ListMultipartUploads lists exactly the acknowledged open uploads; ListParts lists every acknowledged
  part with its ETag and size (and nothing half-written); every acknowledged object reads back whole with its ETag;
  the in-flight operation is applied or not exactly as its crash point dictates;
* with the server stopped: tmp/ is empty, every blob in blobs/ is referenced by exactly one row of `extents` or
  `parts` (sqlite3, read-only), every row's blob exists with its recorded size;
* restarted again: every surviving upload completes and its object's bytes equal the acknowledged parts' bytes, a new
  PutObject works, and the directory is clean once more.

Every 4th trial runs three clients at once (each on its own keys and uploads); the crash then catches several
requests in flight, and each client's state must equal its acknowledged state with its in-flight operation either
wholly applied or not at all (for `kill-mid-part` those trials kill -9 from outside at a random moment instead).

Runs with and without `--durable`: 20 trials each by default, 200 with `--long` / `LOCALOSS_LONG=1`
(`LOCALOSS_CRASH_TRIALS=N` overrides).
"""

import os
import random
import shutil
import threading
import time
import traceback
from urllib.parse import quote

import pytest
import requests

import rhelpers
from rhelpers import MIN_PART, multipart_etag, quoted_etag

BUCKET = "crash-bucket"
KEYS = ["obj-a", "dir/obj-b", "obj-c"]

# point -> operation kinds that reach it, and whether the in-flight operation is durable once the point is reached
POINTS = {
    "blob-staged": ({"part", "put"}, False),
    "blob-renamed": ({"part", "put"}, False),
    "part-committed": ({"part"}, True),
    "complete-before-commit": ({"complete"}, False),
    "complete-committed": ({"complete"}, True),
    "abort-committed": ({"abort"}, True),
    "object-committed": ({"put"}, True),
    "kill-mid-part": ({"part"}, False),  # external kill -9 with half an UploadPart body sent
}

# A PutObject of at most this many bytes keeps them in the database (an inline blob): it stages no file.
INLINE_MAX = 64 * 1024


def reaches(op, point):
    kinds, _ = POINTS[point]
    if op.kind not in kinds:
        return False
    if point in ("blob-staged", "blob-renamed") and op.kind == "put":
        return len(op.data) > INLINE_MAX
    return True


TIME_BUDGET_S = {False: 600, True: 7200}  # safety bound per test (default, long)


# ---------------------------------------------------------------- workload

class Op:
    __slots__ = ("kind", "handle", "key", "number", "data", "listed", "listed_etags")

    def __init__(self, kind, handle=None, key=None, number=None, data=None, listed=None):
        self.kind, self.handle, self.key, self.number, self.data, self.listed = kind, handle, key, number, data, listed
        self.listed_etags = None

    def __repr__(self):
        extra = ""
        if self.kind == "part":
            extra = " part=%d len=%d" % (self.number, len(self.data))
        elif self.kind == "put":
            extra = " len=%d" % len(self.data)
        elif self.kind == "complete":
            extra = " parts=%r" % (self.listed,)
        return "%s(h=%s key=%s%s)" % (self.kind, self.handle, self.key, extra)


def make_workload(rng, keys=KEYS, size=(10, 24)):
    ops = []
    open_uploads = {}  # handle -> {"key", "parts": set()}
    next_handle = [0]

    def init():
        h = next_handle[0]
        next_handle[0] += 1
        key = rng.choice(keys)
        open_uploads[h] = {"key": key, "parts": set()}
        ops.append(Op("init", h, key))
        return h

    def part(h, number=None):
        u = open_uploads[h]
        if number is None:
            number = rng.choice(sorted(u["parts"])) if u["parts"] and rng.random() < 0.35 else rng.randint(1, 5)
        size = rng.randint(MIN_PART, MIN_PART + 80000)
        ops.append(Op("part", h, u["key"], number, rng.randbytes(size)))
        u["parts"].add(number)

    def complete(h):
        u = open_uploads.pop(h)
        numbers = sorted(u["parts"])
        if len(numbers) > 1 and rng.random() < 0.4:  # leave some parts unlisted
            numbers = sorted(rng.sample(numbers, rng.randint(1, len(numbers) - 1)))
        ops.append(Op("complete", h, u["key"], listed=numbers))

    def abort(h):
        u = open_uploads.pop(h)
        ops.append(Op("abort", h, u["key"]))

    def put():
        size = rng.choice([0, 1, rng.randint(2, 4096), rng.randint(MIN_PART, 3 * MIN_PART)])
        ops.append(Op("put", key=rng.choice(keys), data=rng.randbytes(size)))

    target = rng.randint(*size)
    while len(ops) < target:
        r = rng.random()
        if not open_uploads or r < 0.12:
            init()
        elif r < 0.62:
            part(rng.choice(sorted(open_uploads)))
        elif r < 0.74:
            with_parts = [h for h in sorted(open_uploads) if open_uploads[h]["parts"]]
            if with_parts:
                complete(rng.choice(with_parts))
        elif r < 0.82:
            abort(rng.choice(sorted(open_uploads)))
        else:
            put()
    kinds = {op.kind for op in ops}
    if not any(op.kind == "part" and op.number in seen for op, seen in _with_seen(ops)):
        h = init()
        part(h, 1)
        part(h, 1)  # a re-uploaded part number: the replaced blob is released after commit
    if "complete" not in kinds:
        h = init()
        part(h)
        complete(h)
    if "abort" not in kinds:
        h = init()
        part(h)
        abort(h)
    if "put" not in kinds:
        put()
    for i, op in enumerate(ops):  # a Complete lists the ETags of the bytes sent last for those part numbers
        if op.kind == "complete":
            latest = {}
            for prev in ops[:i]:
                if prev.kind == "part" and prev.handle == op.handle:
                    latest[prev.number] = prev.data
            op.listed_etags = [(num, quoted_etag(latest[num])) for num in op.listed]
    return ops


def _with_seen(ops):
    seen = {}
    for op in ops:
        numbers = seen.setdefault(op.handle, set())
        yield op, set(numbers)
        if op.kind == "part":
            numbers.add(op.number)


class Model:
    """What the server acknowledged: open uploads with their parts, and objects."""

    def __init__(self):
        self.uploads = {}  # handle -> {"key", "parts": {n: bytes}}
        self.objects = {}  # key -> (bytes, etag)

    def copy(self):
        m = Model()
        m.uploads = {h: {"key": u["key"], "parts": dict(u["parts"])} for h, u in self.uploads.items()}
        m.objects = dict(self.objects)
        return m

    def apply(self, op):
        if op.kind == "init":
            self.uploads[op.handle] = {"key": op.key, "parts": {}}
        elif op.kind == "part":
            self.uploads[op.handle]["parts"][op.number] = op.data
        elif op.kind == "complete":
            u = self.uploads.pop(op.handle)
            datas = [u["parts"][n] for n in op.listed]
            self.objects[u["key"]] = (b"".join(datas), multipart_etag(datas))
        elif op.kind == "abort":
            del self.uploads[op.handle]
        elif op.kind == "put":
            self.objects[op.key] = (op.data, quoted_etag(op.data))


# ---------------------------------------------------------------- running one trial

class CrashedError(Exception):
    pass


EXPECTED_STATUS = {"init": 200, "part": 200, "complete": 200, "abort": 204, "put": 200}


class Lane:
    """One client's share of a trial: its keys (under its own prefix), operations, acknowledged model, upload ids.
    `inflight` is the index of the operation sent but never answered (the crash took it)."""

    def __init__(self, prefix, ops):
        self.prefix = prefix
        self.keys = [prefix + k for k in KEYS]
        self.ops = ops
        self.model = Model()
        self.upload_ids = {}
        self.inflight = None
        self.errors = []

    def run(self, endpoint):
        client = rhelpers.Client(endpoint)
        try:
            for i, op in enumerate(self.ops):
                try:
                    r = run_op(client, op, self.upload_ids)
                except CrashedError:
                    self.inflight = i
                    return
                if r.status_code != EXPECTED_STATUS[op.kind]:
                    self.errors.append("op %d %r -> %d %r" % (i, op, r.status_code, r.content[:200]))
                    return
                self.model.apply(op)
        finally:
            client.close()


def run_op(client, op, upload_ids):
    """Send one operation; returns the response. Connection failures raise CrashedError."""
    try:
        if op.kind == "init":
            r = client.request("POST", BUCKET, op.key, "uploads")
            if r.status_code == 200:
                upload_ids[op.handle] = rhelpers.ET.fromstring(r.content).findtext("UploadId")
        elif op.kind == "part":
            r = client.upload_part(BUCKET, op.key, upload_ids[op.handle], op.number, op.data)
        elif op.kind == "complete":
            r = client.complete(BUCKET, op.key, upload_ids[op.handle], op.listed_etags)
        elif op.kind == "abort":
            r = client.abort(BUCKET, op.key, upload_ids[op.handle])
        elif op.kind == "put":
            r = client.put(BUCKET, op.key, op.data)
        else:
            raise AssertionError(op.kind)
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
        raise CrashedError(repr(e))
    return r


def kill_mid_part(srv, op, upload_ids, rng, stats):
    """Send the head and half the body of an UploadPart on a raw socket, wait until the server has started staging it
    in tmp/ (the body is a few MiB, larger than the server's read chunk, so whole chunks reach the file while the rest
    is still missing), then SIGKILL the server from outside. The bytes sent are the op's own bytes, padded: the
    operation never completes, so nothing else depends on them."""
    body = op.data + rng.randbytes(rng.randint(2 << 20, 4 << 20))
    half = len(body) // 2
    target = "/%s/%s?partNumber=%d&uploadId=%s" % (BUCKET, quote(op.key, safe="/"), op.number,
                                                    upload_ids[op.handle])
    sock = rhelpers.connect(srv.port)
    try:
        sock.sendall(rhelpers.build_request("PUT", target, [("Content-Length", str(len(body)))]) + body[:half])
        tmp_dir = os.path.join(srv.data_dir, "tmp")
        deadline = time.monotonic() + 3
        staged, stable_since = -1, time.monotonic()
        while time.monotonic() < deadline:  # until the staged file stops growing (or holds everything sent)
            sizes = [os.path.getsize(os.path.join(tmp_dir, f)) for f in os.listdir(tmp_dir)]
            size = max(sizes) if sizes else -1
            if size != staged:
                staged, stable_since = size, time.monotonic()
            elif size > 0 and time.monotonic() - stable_since > 0.2:
                break
            if size >= half:
                break
            time.sleep(0.01)
        stats["mid_part_staged_bytes" if staged > 0 else "mid_part_nothing_staged"] += 1
        rc = srv.kill9()
        assert rc == -9, rc
    finally:
        sock.close()


def lane_mismatches(c, lane, model, all_uploads, all_keys):
    """How the restarted server differs from `model` for this lane's keys (empty list = identical)."""
    out = []
    mine = {(k, u) for k, u in all_uploads if k.startswith(lane.prefix)}
    expected_uploads = {(u["key"], lane.upload_ids.get(h, "<id never answered>")) for h, u in model.uploads.items()}
    if mine != expected_uploads:
        out.append("ListMultipartUploads %r, expected %r" % (sorted(mine), sorted(expected_uploads)))
    for h, u in sorted(model.uploads.items()):
        if h not in lane.upload_ids:
            continue
        parts = c.list_parts(BUCKET, u["key"], lane.upload_ids[h])
        want = {n: (quoted_etag(d), len(d)) for n, d in u["parts"].items()}
        if parts != want:
            out.append("ListParts of upload h=%d: %r, expected %r" % (h, parts, want))
    for key in lane.keys:
        r = c.get(BUCKET, key)
        if key in model.objects:
            data, etag = model.objects[key]
            if r.status_code != 200 or r.content != data or r.headers.get("ETag") != etag:
                out.append("GET %s -> %d etag=%s len=%d, expected 200 etag=%s len=%d" % (
                    key, r.status_code, r.headers.get("ETag"), len(r.content), etag, len(data)))
        elif r.status_code != 404 or rhelpers.error_code(r.content) != "NoSuchKey":
            out.append("GET %s -> %d %r, expected 404 NoSuchKey" % (key, r.status_code, r.content[:120]))
    keys = {k for k in all_keys if k.startswith(lane.prefix)}
    if keys != set(model.objects):
        out.append("ListObjects %r, expected %r" % (sorted(keys), sorted(model.objects)))
    return out


def verify_restarted(srv, lanes, candidates, violations, label, stats):
    """HTTP-level invariants right after restart (read-only requests). candidates[i]: the models lane i may match
    (one when the crash point fixes the in-flight operation's outcome, two when it may have gone either way)."""
    c = srv.client()
    try:
        all_uploads = c.list_uploads(BUCKET)
        all_keys = c.list_keys(BUCKET)
        lane_prefixes = tuple(lane.prefix for lane in lanes)
        stray = {k for k in all_keys if not k.startswith(lane_prefixes)}
        stray |= {k for k, _ in all_uploads if not k.startswith(lane_prefixes)}
        if stray:
            violations.append("%s: keys/uploads nobody wrote: %r" % (label, sorted(stray)))
        for lane, models in zip(lanes, candidates):
            if lane.inflight is not None and lane.ops[lane.inflight].kind == "init":
                # an Initiate whose reply was lost may have committed: its upload is the one listed under its key
                # that no acknowledged Initiate returned
                op = lane.ops[lane.inflight]
                known = set(lane.upload_ids.values())
                found = [u for k, u in all_uploads if k == op.key and u not in known]
                if len(found) == 1:
                    lane.upload_ids[op.handle] = found[0]
            reports = []
            for which, model in enumerate(models):
                mismatches = lane_mismatches(c, lane, model, all_uploads, all_keys)
                if not mismatches:
                    lane.model = model
                    if len(models) > 1:
                        stats["ambiguous_applied" if which else "ambiguous_not_applied"] += 1
                    break
                reports.append(mismatches)
            else:
                desc = " | ".join("candidate %d: %s" % (i, "; ".join(m)) for i, m in enumerate(reports))
                violations.append("%s: lane %r matches no allowed state: %s" % (label, lane.prefix, desc))
    finally:
        c.close()


def complete_survivors(srv, lanes, violations, rng):
    """Read every surviving part's bytes back by completing its upload, then check the server still writes."""
    c = srv.client()
    try:
        for lane in lanes:
            model = lane.model
            for h, u in sorted(model.uploads.items()):
                numbers = sorted(u["parts"])
                upload_id = lane.upload_ids[h]
                if not numbers:
                    r = c.abort(BUCKET, u["key"], upload_id)
                    if r.status_code != 204:
                        violations.append("abort of empty surviving upload h=%d -> %d" % (h, r.status_code))
                    continue
                datas = [u["parts"][n] for n in numbers]
                r = c.complete(BUCKET, u["key"], upload_id, [(n, quoted_etag(d)) for n, d in zip(numbers, datas)])
                etag = multipart_etag(datas)
                if r.status_code != 200 or r.headers.get("ETag") != etag:
                    violations.append("complete of surviving upload %s h=%d -> %d %r" % (
                        lane.prefix, h, r.status_code, r.content[:200]))
                    continue
                g = c.get(BUCKET, u["key"])
                if g.status_code != 200 or g.content != b"".join(datas) or g.headers.get("ETag") != etag:
                    violations.append("surviving upload %s h=%d: object bytes differ from the acknowledged parts"
                                      % (lane.prefix, h))
            model.uploads.clear()
        if c.list_uploads(BUCKET):
            violations.append("uploads still listed after completing the survivors")
        probe = rng.randbytes(1000)
        r = c.put(BUCKET, "probe/after-crash", probe)
        g = c.get(BUCKET, "probe/after-crash")
        if r.status_code != 200 or g.content != probe:
            violations.append("server does not store/serve a new object after restart: %d/%d" %
                              (r.status_code, g.status_code))
    finally:
        c.close()


def run_trial(localoss, trial_seed, point, durable, concurrent, stats):
    """One trial; returns a list of violations (strings)."""
    rng = random.Random(trial_seed)
    violations = []
    if concurrent:
        lanes = [Lane("t%d/" % i, make_workload(rng, ["t%d/%s" % (i, k) for k in KEYS], size=(6, 14)))
                 for i in range(3)]
    else:
        lanes = [Lane("", make_workload(rng))]
    kinds, applied = POINTS[point]
    external = point == "kill-mid-part"
    reaching = [(li, i) for li, lane in enumerate(lanes) for i, op in enumerate(lane.ops) if reaches(op, point)]
    n = rng.randint(1, len(reaching))
    flags = ["--durable"] if durable else []
    env = {} if external else {"LOCALOSS_CRASH_AT": "%s:%d" % (point, n)}
    srv = localoss(flags=flags, env=env)
    c = srv.client()
    c.create_bucket(BUCKET)
    c.close()
    if concurrent:
        what = "external kill -9 at a random moment" if external else "%s:%d" % (point, n)
        threads = [threading.Thread(target=lane.run, args=(srv.endpoint,), daemon=True) for lane in lanes]
        for t in threads:
            t.start()
        if external:
            time.sleep(rng.uniform(0.01, 0.25))
            srv.kill9()
        for t in threads:
            t.join(60)
            if t.is_alive():
                violations.append("a client thread did not finish within 60 s")
                srv.kill9()
                return violations
        rc = srv.wait_exit(10)
        if rc is None:
            if external:
                rc = srv.kill9()
            else:
                violations.append("crash point %s never fired (all lanes ran to the end)" % what)
                srv.kill9()
                rc = -9
        if rc != -9:
            violations.append("server exited with %r, not SIGKILL" % rc)
        if not external:
            if not any(lane.inflight is not None for lane in lanes):
                violations.append("server died at %s but no client has a request in flight" % what)
            else:
                stats["hit"][point] = stats["hit"].get(point, 0) + 1
        else:
            stats["hit"][point] = stats["hit"].get(point, 0) + 1
        candidates = []
        for lane in lanes:
            violations += ["lane %r: %s" % (lane.prefix, e) for e in lane.errors]
            if lane.inflight is None:
                candidates.append([lane.model])
            else:
                with_op = lane.model.copy()
                with_op.apply(lane.ops[lane.inflight])
                candidates.append([lane.model, with_op])
        label = "after %s (3 concurrent clients, in flight: %s)" % (what, ", ".join(
            "%s%r" % (lane.prefix, lane.ops[lane.inflight]) for lane in lanes if lane.inflight is not None))
    else:
        lane = lanes[0]
        crash_index = reaching[n - 1][1]
        crashed_at = None
        if external:
            lane_ops = lane.ops[:crash_index]
        else:
            lane_ops = lane.ops
        client = srv.client()
        for i, op in enumerate(lane_ops):
            try:
                r = run_op(client, op, lane.upload_ids)
            except CrashedError:
                crashed_at = i
                break
            if r.status_code != EXPECTED_STATUS[op.kind]:
                violations.append("op %d %r -> %d %r" % (i, op, r.status_code, r.content[:200]))
                client.close()
                srv.kill9()
                return violations
            lane.model.apply(op)
        client.close()
        if external:
            kill_mid_part(srv, lane.ops[crash_index], lane.upload_ids, rng, stats)
            crashed_at = crash_index
        if crashed_at is None:
            violations.append("crash point %s:%d never fired (workload ran to the end)" % (point, n))
            srv.kill9()
        else:
            rc = srv.wait_exit(10) if not external else -9
            if rc is None:
                violations.append("request %d failed but the server is still running" % crashed_at)
                srv.kill9()
            elif rc != -9:
                violations.append("server exited with %r, not SIGKILL, at op %d" % (rc, crashed_at))
            if crashed_at != crash_index:
                violations.append("crash hit op %d %r; the %d-th op reaching %s is op %d %r" % (
                    crashed_at, lane.ops[crashed_at], n, point, crash_index, lane.ops[crash_index]))
            else:
                stats["hit"][point] = stats["hit"].get(point, 0) + 1
                if applied:  # the crash point fixes the outcome of the operation in flight
                    lane.model.apply(lane.ops[crashed_at])
        candidates = [[lane.model]]
        label = "after %s:%d at op %d %r" % (point, n, crash_index, lane.ops[crash_index])
    # before restart: rows only ever name blobs that are fully there; count what the start-up sweep must remove
    st = rhelpers.inspect_data_dir(srv.data_dir)
    referenced = {b for _, b, _ in st["refs"]}
    for table, blob, size in st["refs"]:
        if st["blobs"].get(blob) != size:
            violations.append("before restart: %s row names blob %s (%d bytes) but disk has %r" % (
                table, blob, size, st["blobs"].get(blob)))
    stats["tmp_files_before_restart"] += len(st["tmp"])
    stats["orphans_before_restart"] += len(set(st["blobs"]) - referenced)
    srv.start(env={})
    verify_restarted(srv, lanes, candidates, violations, label, stats)
    srv.stop()
    for v in rhelpers.data_dir_violations(srv.data_dir):
        violations.append("%s, stopped: %s" % (label, v))
    srv.start(env={})
    complete_survivors(srv, lanes, violations, rng)
    srv.stop()
    for v in rhelpers.data_dir_violations(srv.data_dir):
        violations.append("%s, after completing survivors: %s" % (label, v))
    if not violations:  # keep the directory (and the log next to it) only for failed trials
        shutil.rmtree(srv.data_dir, ignore_errors=True)
    return violations


@pytest.mark.parametrize("durable", [False, True], ids=["default", "durable"])
def test_crash_trials(localoss, long_mode, durable):
    trials = int(os.environ.get("LOCALOSS_CRASH_TRIALS") or (200 if long_mode else 20))
    seed = int(os.environ.get("LOCALOSS_SEED") or int.from_bytes(os.urandom(4), "big"))
    mode = "durable" if durable else "default"
    print("\ncrash harness (%s): seed=%d trials=%d  (replay: LOCALOSS_SEED=%d)" % (mode, seed, trials, seed))
    rng = random.Random(seed)
    points = list(POINTS)
    schedule = []
    while len(schedule) < trials:  # shuffled rounds: every point in every run, random order
        round_ = points[:]
        rng.shuffle(round_)
        schedule += round_
    schedule = schedule[:trials]
    stats = {"hit": {}, "tmp_files_before_restart": 0, "orphans_before_restart": 0,
             "ambiguous_applied": 0, "ambiguous_not_applied": 0, "mid_part_staged_bytes": 0,
             "mid_part_nothing_staged": 0}
    tried = {}
    failures = []
    started = time.monotonic()
    done = concurrent_trials = 0
    for t, point in enumerate(schedule):
        if time.monotonic() - started > TIME_BUDGET_S[long_mode]:
            failures.append("time budget of %ds exhausted after %d trials" % (TIME_BUDGET_S[long_mode], t))
            break
        trial_seed = rng.getrandbits(32)
        concurrent = t % 4 == 3  # every 4th trial: 3 clients at once, in-flight outcomes either way
        tried[point] = tried.get(point, 0) + 1
        try:
            violations = run_trial(localoss, trial_seed, point, durable, concurrent, stats)
        except Exception:  # noqa: BLE001 - a harness error in one trial is recorded, the run goes on
            violations = ["exception: " + traceback.format_exc(limit=6)]
        done += 1
        concurrent_trials += concurrent
        for v in violations:
            failures.append("trial %d (seed %d, point %s%s): %s" % (t, trial_seed, point,
                                                                    ", concurrent" if concurrent else "", v))
    elapsed = time.monotonic() - started
    section = "crash[%s]" % mode
    rhelpers.note(section, "seed", seed)
    rhelpers.note(section, "trials", done)
    rhelpers.note(section, "concurrent_trials", concurrent_trials)
    rhelpers.note(section, "points_hit", sum(stats["hit"].values()))
    rhelpers.note(section, "violations", len(failures))
    rhelpers.note(section, "per_point(hit/tried)",
                  " ".join("%s:%d/%d" % (p, stats["hit"].get(p, 0), tried.get(p, 0)) for p in POINTS))
    rhelpers.note(section, "tmp_files_swept", stats["tmp_files_before_restart"])
    rhelpers.note(section, "orphan_blobs_swept", stats["orphans_before_restart"])
    rhelpers.note(section, "mid_part_kills(staged/not)", "%d/%d" % (stats["mid_part_staged_bytes"],
                                                                   stats["mid_part_nothing_staged"]))
    rhelpers.note(section, "in_flight_applied/not", "%d/%d" % (stats["ambiguous_applied"],
                                                               stats["ambiguous_not_applied"]))
    rhelpers.note(section, "seconds", round(elapsed, 1))
    print("crash harness (%s): trials=%d points hit=%d invariant violations=%d in %.1fs" % (
        mode, done, sum(stats["hit"].values()), len(failures), elapsed))
    for p in POINTS:
        print("  %-24s hit %d / tried %d" % (p, stats["hit"].get(p, 0), tried.get(p, 0)))
    assert not failures, "seed %d: %d invariant violation(s):\n%s" % (seed, len(failures),
                                                                      "\n".join(failures[:40]))
