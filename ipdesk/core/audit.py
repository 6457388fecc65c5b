"""The one audit mechanism: append hash-chained entries, and verify the chain.

Model saves reach it through core.signals; logins, exports, imports and state transitions call
`record()` directly. Bulk writers (imports) call `record_many()` so a large file costs one insert
per batch, not one per row.

The chain is anchored outside the database, so that someone who can write to the database (and
drop the append-only triggers) can neither rewrite an entry and recompute the hashes after it, nor
cut off the tail and move the stored head:
  - each entry's hash is an HMAC-SHA256 over (previous hash, entry) under the audit key, which is
    never stored in the database: AUDIT_HMAC_KEY, or the key file AUDIT_KEY_FILE (default
    <var>/audit.key, created 0600 on first use in development and tests only);
  - signed checkpoints (entry count, last id, head hash, time; HMAC under the same key) are appended
    to AUDIT_CHECKPOINT_FILE (default <var>/audit-checkpoints.jsonl) and sent to the logger
    `ipdesk.audit.checkpoint` (syslog when AUDIT_SYSLOG_ADDRESS is set): by `ipdesk audit
    checkpoint`, by a periodic task (core.tasks) and after every backup. `verify()` holds the chain
    against every checkpoint, so a removed tail or a recomputed chain shows.
Entries written before the key existed keep their plain SHA-256 (hash_scheme "sha256") and still
verify; once a keyed entry appears, an unkeyed one after it is reported (a downgrade).
"""
import datetime
import decimal
import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditEntry, canonical_json

GENESIS = "0" * 64
LEGACY = "sha256"         # before the audit key: sha256(prev + entry), anyone could recompute it
KEYED = "hmac-sha256"     # HMAC-SHA256(key, scheme:key id:prev + entry)
SCHEMES = (LEGACY, KEYED)
MIN_KEY_LENGTH = 32
checkpoint_log = logging.getLogger("ipdesk.audit.checkpoint")
_cache = {}


# -- the audit key (outside the database) -------------------------------------------------------
class AuditKeyMissing(ImproperlyConfigured):
    pass


def _setting(name, default=""):
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, default)
    return value


def _truthy(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def key_file_path():
    return Path(_setting("AUDIT_KEY_FILE", "") or Path(settings.VAR_DIR) / "audit.key")


def checkpoint_path():
    return Path(_setting("AUDIT_CHECKPOINT_FILE", "") or Path(settings.VAR_DIR) / "audit-checkpoints.jsonl")


def _may_create_key():
    """A key file is created on first use only where losing it costs nothing: development (DEBUG),
    the test suite, or when AUDIT_KEY_AUTOCREATE says so. A production server must be given its key
    (and keep a copy apart from the backups): a key made up silently would go missing with the machine."""
    return _truthy(_setting("AUDIT_KEY_AUTOCREATE", "")) or settings.DEBUG


def _create_key_file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)  # atomic: of two processes creating it at once, one key wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def key_id(key):
    return hashlib.sha256(b"ipdesk-audit-key-id:" + key).hexdigest()[:16]


def _load_keys():
    configured = str(_setting("AUDIT_HMAC_KEY", "")).strip()
    if configured:
        source, material = "AUDIT_HMAC_KEY", configured
    else:
        path = key_file_path()
        if not path.exists():
            if not _may_create_key():
                raise AuditKeyMissing(
                    f"审计日志密钥未配置：请设置环境变量 AUDIT_HMAC_KEY（至少 {MIN_KEY_LENGTH} 个字符的随机串），"
                    f"或提供密钥文件 AUDIT_KEY_FILE（默认 {path}，权限 0600）。密钥不能存放在数据库中，"
                    "也不要与备份放在一起（见 docs/operations.md）。"
                    " / The audit key is missing: set AUDIT_HMAC_KEY or provide AUDIT_KEY_FILE.")
            _create_key_file(path)
        source, material = str(path), path.read_text().strip()
    if len(material) < MIN_KEY_LENGTH:
        raise AuditKeyMissing(f"审计日志密钥过短（{source}）：至少需要 {MIN_KEY_LENGTH} 个字符。")
    current = material.encode()
    known = {key_id(current): current}
    for old in str(_setting("AUDIT_HMAC_OLD_KEYS", "")).split(","):
        if old.strip():
            known.setdefault(key_id(old.strip().encode()), old.strip().encode())
    return key_id(current), current, known


def _keys():
    marker = tuple(str(_setting(n, "")) for n in ("AUDIT_HMAC_KEY", "AUDIT_KEY_FILE", "AUDIT_HMAC_OLD_KEYS")) + (
        str(settings.VAR_DIR),)
    if _cache.get("marker") != marker:
        _cache["keys"] = _load_keys()
        _cache["marker"] = marker
    return _cache["keys"]


def audit_key():
    """(key id, key) that new entries and checkpoints are signed with."""
    kid, key, _known = _keys()
    return kid, key


def known_keys():
    """Every key an entry or checkpoint may be signed with, by key id (the current one and AUDIT_HMAC_OLD_KEYS)."""
    return _keys()[2]


def _reset(**kwargs):
    if kwargs.get("setting", "").startswith("AUDIT_") or kwargs.get("setting") == "VAR_DIR":
        _cache.clear()


setting_changed.connect(_reset)


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key(app_configs=None, **kwargs):
    """`ipdesk check --deploy`: the audit key is configured (a production server never creates one)."""
    try:
        _load_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="ipdesk.E001")]
    path = key_file_path()
    if not str(_setting("AUDIT_HMAC_KEY", "")).strip() and path.exists() and path.stat().st_mode & 0o077:
        return [checks.Warning(f"审计日志密钥文件 {path} 可被其他用户读取，请执行 chmod 600。", id="ipdesk.W001")]
    return []


def entry_hash(entry, keys=None):
    """The hash an entry must carry, by its scheme; None when the key it names is not known here."""
    body = (entry.prev_hash + canonical_json(entry.payload())).encode()
    if entry.hash_scheme == LEGACY:
        return hashlib.sha256(body).hexdigest()
    if entry.hash_scheme != KEYED:
        return None
    key = (keys or known_keys()).get(entry.key_id)
    if key is None:
        return None
    return hmac.new(key, f"{KEYED}:{entry.key_id}:".encode() + body, hashlib.sha256).hexdigest()


def jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(instance):
    """The audited values of a model instance: concrete fields, foreign keys by id."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    secret = set(getattr(instance, "audit_secret", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(instance, f.attname)
        data[f.name] = "***" if f.name in secret and value else jsonable(value)
    return data


def object_type(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _entry(action, obj=None, before=None, after=None, *, object_type_name="", object_id="", object_repr="",
           user=None, ctx=None):
    ctx = ctx or context.current()
    user = user if user is not None else ctx.user
    if obj is not None:
        object_type_name = object_type_name or object_type(type(obj))
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry(
        timestamp=timezone.now(), user_id_value=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "", request_id=ctx.request_id or "", ip=ctx.ip or "",
        action=action, object_type=object_type_name, object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200], before=jsonable(before), after=jsonable(after),
    )


def _append(entries):
    kid, key = audit_key()  # before the transaction: no key, no entry (and a clear error why)
    keys = {kid: key}
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        for entry in entries:
            entry.prev_hash = prev
            entry.hash_scheme, entry.key_id = KEYED, kid
            entry.hash = entry_hash(entry, keys)
            prev = entry.hash
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return entries


def record(action, obj=None, before=None, after=None, **kwargs):
    """Append one entry. kwargs: object_type_name, object_id, object_repr, user."""
    return _append([_entry(action, obj, before, after, **kwargs)])[0]


def record_many(items):
    """Append many entries at once; items are dicts of record()'s arguments."""
    ctx = context.current()
    return _append([_entry(ctx=ctx, **item) for item in items])


def history(obj):
    """The audit entries of one record, newest first (a record page's 变更记录)."""
    return AuditEntry.objects.filter(object_type=object_type(type(obj)), object_id=str(obj.pk))


# -- checkpoints ------------------------------------------------------------------------------------
def _signature(record, key):
    body = {k: v for k, v in record.items() if k != "sig"}
    return hmac.new(key, b"ipdesk-audit-checkpoint:" + canonical_json(body).encode(), hashlib.sha256).hexdigest()


def checkpoint_sources():
    """The checkpoint files verification holds the chain against: this machine's."""
    path = checkpoint_path()
    return [(str(path), path.read_text(encoding="utf-8") if path.exists() else "")]


def read_checkpoints(sources):
    """(valid checkpoints, problems) of [(label, text)]; a line whose signature fails is a problem."""
    keys = known_keys() if any(text.strip() for _label, text in sources) else {}
    valid, problems = [], []
    for label, text in sources:
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"checkpoint {label}:{lineno}"
            try:
                record = json.loads(line)
                entries, head = int(record["entries"]), str(record["head"])
                sig = str(record["sig"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"{where}: not a signed checkpoint (the checkpoint file was edited)")
                continue
            key = keys.get(record.get("key_id"))
            if key is None:
                problems.append(f"{where}: signed with an unknown audit key {record.get('key_id')!r} "
                                "(AUDIT_HMAC_KEY / AUDIT_KEY_FILE is not the key it was written with)")
            elif not hmac.compare_digest(sig, _signature(record, key)):
                problems.append(f"{where}: signature does not match (the checkpoint was edited or forged)")
            else:
                valid.append({**record, "entries": entries, "head": head, "where": where})
    return valid, problems


class _Walk:
    """Checks entries in id order: links, hashes under their scheme, no unkeyed entry after a keyed one,
    and the hash of entry #n wherever a checkpoint recorded n entries."""

    def __init__(self, checkpoints, prev=GENESIS, checked=0, keyed_since=None):
        self._keys = None  # read on the first keyed entry: an empty or pre-key log verifies without the key
        self.pending = sorted(checkpoints, key=lambda c: c["entries"])
        self.prev, self.checked, self.keyed_since = prev, checked, keyed_since
        self.problems = []
        self.last = None
        self.pending = [c for c in self.pending if c["entries"] > checked]

    def entry(self, entry):
        self.checked += 1
        if entry.prev_hash != self.prev:
            self.problems.append(f"entry {entry.id}: previous-hash link broken "
                                 "(an entry before it was removed or altered)")
        self.check_hash(entry)
        while self.pending and self.pending[0]["entries"] == self.checked:
            cp = self.pending.pop(0)
            if entry.hash != cp["head"]:
                self.problems.append(
                    f"{cp['where']} ({cp.get('time')}): entry #{self.checked} (id {entry.id}) should end the chain "
                    f"with hash {cp['head'][:16]}…, the database has {entry.hash[:16]}… — the chain up to entry "
                    f"{entry.id} was rewritten")
        self.prev = entry.hash
        self.last = entry

    def check_hash(self, entry):
        if entry.hash_scheme == KEYED and self._keys is None:
            self._keys = known_keys()
        expected = entry_hash(entry, self._keys or {})
        if entry.hash_scheme == KEYED:
            self.keyed_since = self.keyed_since or entry.id
            if expected is None:
                self.problems.append(f"entry {entry.id}: hashed with an unknown audit key {entry.key_id!r} "
                                     "(AUDIT_HMAC_KEY / AUDIT_KEY_FILE is not the key it was written with)")
                return
        elif entry.hash_scheme == LEGACY:
            if self.keyed_since:
                self.problems.append(f"entry {entry.id}: unkeyed hash after keyed entries began at entry "
                                     f"{self.keyed_since} (rewritten in the database)")
        else:
            self.problems.append(f"entry {entry.id}: unknown hash scheme {entry.hash_scheme!r}")
            return
        if expected != entry.hash:
            self.problems.append(f"entry {entry.id}: contents do not match its hash (altered in the database)")

    def run(self, queryset, after_id=0, batch=5000):
        while True:
            rows = list(queryset.filter(id__gt=after_id).order_by("id")[:batch])
            if not rows:
                break
            for entry in rows:
                self.entry(entry)
            after_id = rows[-1].id
        for cp in self.pending:
            self.problems.append(
                f"{cp['where']} ({cp.get('time')}): recorded {cp['entries']} entries up to id {cp.get('last_id')}, "
                f"the database has only {self.checked} — entries at the end were removed")
        return self


def verify(batch=5000, using=DEFAULT_DB_ALIAS, sources=None):
    """Walk the chain in order with the audit key and hold it against every checkpoint of `sources`
    (default: this machine's checkpoint file); return (entries checked, list of problems)."""
    checkpoints, problems = read_checkpoints(checkpoint_sources() if sources is None else sources)
    walk = _Walk(checkpoints).run(AuditEntry.objects.using(using), batch=batch)
    problems = walk.problems + problems
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and head.last_hash != walk.prev:
        problems.append("the chain ends before its recorded head (entries at the end were removed)")
    return walk.checked, problems


def _anchor(checkpoints, using):
    """The newest checkpoint that still holds (its last entry, hashed as recorded), to verify on from."""
    for cp in sorted(checkpoints, key=lambda c: c["entries"], reverse=True):
        entry = AuditEntry.objects.using(using).filter(id=cp.get("last_id")).first()
        if entry is None or entry.hash != cp["head"] or entry_hash(entry) != entry.hash:
            return cp, None
        if AuditEntry.objects.using(using).filter(id__lte=entry.id).count() != cp["entries"]:
            return cp, None
        return cp, entry
    return None, None


def checkpoint(using=DEFAULT_DB_ALIAS, write=True, force=True):
    """Verify the chain since the newest checkpoint, then sign one of its present head.

    Returns (checkpoint or None, problems). A broken chain gets no checkpoint: signing it would
    bless the tampering. `write` appends it to the checkpoint file and the log (a backup writes it
    itself once the file is safely written); without `force` nothing is written when the chain has
    not grown since the newest checkpoint (the periodic task)."""
    kid, key = audit_key()
    checkpoints, problems = read_checkpoints(checkpoint_sources())
    cp, anchor = _anchor(checkpoints, using)
    if cp is not None and anchor is None:
        walk = _Walk(checkpoints).run(AuditEntry.objects.using(using))  # say exactly what broke
    elif anchor is not None:
        walk = _Walk([], prev=anchor.hash, checked=cp["entries"],
                     keyed_since=anchor.id if anchor.hash_scheme == KEYED else None)
        walk.last = anchor
        walk.run(AuditEntry.objects.using(using), after_id=anchor.id)
    else:
        walk = _Walk([]).run(AuditEntry.objects.using(using))
    problems = walk.problems + problems
    if problems:
        return None, problems
    if not force and cp is not None and cp["entries"] == walk.checked and cp["head"] == walk.prev:
        return None, []
    record = {"v": 1, "time": timezone.now().isoformat(), "entries": walk.checked,
              "last_id": walk.last.id if walk.last else 0, "head": walk.prev, "key_id": kid}
    record["sig"] = _signature(record, key)
    if write:
        append_checkpoint(record)
    return record, []


def checkpoint_line(record):
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def append_checkpoint(record, path=None):
    """Append one checkpoint to the file (0600) and send it to the log: syslog keeps a copy elsewhere."""
    path = Path(path or checkpoint_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    line = checkpoint_line(record)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    _syslog()
    checkpoint_log.info("audit checkpoint %s", line)


def _syslog():
    """A SysLogHandler on the checkpoint logger when AUDIT_SYSLOG_ADDRESS is set (host:port or a socket path)."""
    address = str(_setting("AUDIT_SYSLOG_ADDRESS", "")).strip()
    if not address or _cache.get("syslog") == address:
        return
    if address.startswith("/"):
        target = address
    else:
        host, _, port = address.rpartition(":")
        target = (host or address, int(port) if host and port.isdigit() else 514)
    handler = logging.handlers.SysLogHandler(address=target, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV)
    handler.setFormatter(logging.Formatter("ipdesk: %(message)s"))
    for old in [h for h in checkpoint_log.handlers if getattr(h, "_ipdesk_audit", False)]:
        checkpoint_log.removeHandler(old)
    handler._ipdesk_audit = True
    checkpoint_log.addHandler(handler)
    checkpoint_log.setLevel(logging.INFO)
    _cache["syslog"] = address


DATA_ACTIONS = ("create", "update", "delete", "import", "action")


def data_generation():
    """A number that grows with every change of domain data made through the application: the id of
    the last audit entry that records one (every ORM save and delete, import and state transition
    writes one). Caches of derived figures are keyed on it, so any edit, in any process, retires them.
    Reading it is one step back along the primary key."""
    return AuditEntry.objects.filter(action__in=DATA_ACTIONS).order_by("-pk").values_list("pk", flat=True).first() or 0
