"""Exact cosine search over an on-disk matrix of chunk embeddings, shared by processes.

Layout of the directory:

    CURRENT              name of the live generation (replaced atomically on compaction/rebuild)
    <generation>/ids     int64 per row: the chunk id, or -1 once the row is deleted
    <generation>/vectors float32 rows of DIMENSIONS values, in the same order
    lock                 writers hold an exclusive flock on it; readers never lock

Writers append (vectors first, then ids, so a row counts only once both are whole), mark rows as
deleted in place, or write a new generation and switch CURRENT. Readers memory-map the files and
notice changes by a stat per search: a new generation or a longer ids file is mapped again; a
deleted row is caught because the row's id is checked again at lookup. The database is the source
of truth: the matrix is a cache that can be rebuilt from the embeddings stored with the chunks, and
a chunk the matrix lacks is scored from the database and written back (see `score`).
"""

import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wendbaar.ai.embeddings import DIMENSIONS

ROW_BYTES = DIMENSIONS * 4
ID_BYTES = 8
# Above this share of the matrix, one pass over all rows beats gathering the wanted rows.
_FULL_SCAN_SHARE = 0.2


@dataclass(frozen=True)
class _Snapshot:
    """One consistent view of the matrix: its maps and the id → row lookup built from them."""

    generation: str
    rows: int
    ids: np.ndarray  # memory-mapped int64 (rows,)
    vectors: np.ndarray  # memory-mapped float32 (rows, DIMENSIONS)
    sorted_ids: np.ndarray
    sorted_rows: np.ndarray

    @classmethod
    def empty(cls, generation: str = "") -> "_Snapshot":
        return cls(
            generation=generation,
            rows=0,
            ids=np.empty(0, dtype=np.int64),
            vectors=np.empty((0, DIMENSIONS), dtype=np.float32),
            sorted_ids=np.empty(0, dtype=np.int64),
            sorted_rows=np.empty(0, dtype=np.int64),
        )


class VectorStore:
    """Chunk embeddings as a memory-mapped float32 matrix; rows are tagged with chunk ids."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._lock = threading.RLock()
        self._snapshot = _Snapshot.empty()
        self._stamp: tuple | None = None

    # -- files --------------------------------------------------------------------------------

    @property
    def _current_file(self) -> Path:
        return self.directory / "CURRENT"

    def _generation(self) -> str | None:
        try:
            return self._current_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _paths(self, generation: str) -> tuple[Path, Path]:
        return self.directory / generation / "ids", self.directory / generation / "vectors"

    @contextmanager
    def _writing(self):
        """Hold the writers' lock for one change.

        Each call opens the lock file anew, so flock also keeps threads of one process apart;
        searches never wait for it (a rebuild can take a while).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / "lock").open("a+b") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _writable_generation(self) -> str:
        """The live generation with any half-written tail (a crashed append) cut off."""
        generation = self._generation()
        if generation is None:
            generation = self._new_generation(np.empty(0, np.int64), np.empty((0, DIMENSIONS)))
        ids_path, vectors_path = self._paths(generation)
        rows = min(ids_path.stat().st_size // ID_BYTES, vectors_path.stat().st_size // ROW_BYTES)
        for path, size in ((ids_path, rows * ID_BYTES), (vectors_path, rows * ROW_BYTES)):
            if path.stat().st_size != size:
                os.truncate(path, size)
        return generation

    def _new_generation(self, ids: np.ndarray, vectors: np.ndarray) -> str:
        """Write a complete new generation and make it the live one; remove the old ones."""
        generation = uuid.uuid4().hex
        folder = self.directory / generation
        folder.mkdir(parents=True)
        ids_path, vectors_path = self._paths(generation)
        with vectors_path.open("wb") as file:
            file.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            os.fsync(file.fileno())
        with ids_path.open("wb") as file:
            file.write(np.ascontiguousarray(ids, dtype=np.int64).tobytes())
            os.fsync(file.fileno())
        self._switch_to(generation)
        return generation

    def _switch_to(self, generation: str) -> None:
        temporary = self.directory / f"CURRENT.{generation}"
        temporary.write_text(generation)
        os.replace(temporary, self._current_file)
        # Readers that still map an old generation keep their (unlinked) files until they notice.
        for entry in self.directory.iterdir():
            if entry.is_dir() and entry.name != generation:
                shutil.rmtree(entry, ignore_errors=True)

    # -- reading ------------------------------------------------------------------------------

    def _refresh(self) -> _Snapshot:
        """The current snapshot, mapped again if another process (or thread) changed the files."""
        for _attempt in range(3):
            generation = self._generation()
            if generation is None:
                return _Snapshot.empty()
            ids_path, vectors_path = self._paths(generation)
            try:
                ids_stat = ids_path.stat()
                # Deletions rewrite ids in place: the size stays, the modification time moves.
                stamp = (
                    generation,
                    ids_stat.st_size,
                    ids_stat.st_mtime_ns,
                    vectors_path.stat().st_size,
                )
                with self._lock:
                    if stamp == self._stamp:
                        return self._snapshot
                    self._snapshot = self._load(generation, stamp[1], stamp[3])
                    self._stamp = stamp
                    return self._snapshot
            except FileNotFoundError:
                continue  # compacted under our feet: read CURRENT again
        raise RuntimeError(f"The vector matrix in {self.directory} keeps changing; try again.")

    def _load(self, generation: str, ids_size: int, vectors_size: int) -> _Snapshot:
        rows = min(ids_size // ID_BYTES, vectors_size // ROW_BYTES)
        if rows == 0:
            return _Snapshot.empty(generation)
        ids_path, vectors_path = self._paths(generation)
        ids = np.memmap(ids_path, dtype=np.int64, mode="r", shape=(rows,))
        vectors = np.memmap(vectors_path, dtype=np.float32, mode="r", shape=(rows, DIMENSIONS))
        # The last row of an id wins (a re-added chunk); deleted rows (-1) are left out.
        unique, first_in_reversed = np.unique(np.asarray(ids)[::-1], return_index=True)
        row_of = rows - 1 - first_in_reversed
        live = unique >= 0
        return _Snapshot(
            generation=generation,
            rows=rows,
            ids=ids,
            vectors=vectors,
            sorted_ids=unique[live],
            sorted_rows=row_of[live],
        )

    def rows_of(self, chunk_ids: np.ndarray) -> tuple[_Snapshot, np.ndarray, np.ndarray]:
        """Map chunk ids to matrix rows: (snapshot, rows of the ids found, the ids not found)."""
        snapshot = self._refresh()
        wanted = np.asarray(chunk_ids, dtype=np.int64)
        if not len(snapshot.sorted_ids) or not len(wanted):
            return snapshot, np.empty(0, dtype=np.int64), np.unique(wanted)
        positions = np.searchsorted(snapshot.sorted_ids, wanted)
        positions = np.minimum(positions, len(snapshot.sorted_ids) - 1)
        found = snapshot.sorted_ids[positions] == wanted
        rows = snapshot.sorted_rows[positions[found]]
        # A row deleted since the lookup was built now reads -1: treat its chunk as missing.
        still = snapshot.ids[rows] == wanted[found]
        missing = np.concatenate([wanted[~found], wanted[found][~still]])
        return snapshot, rows[still], np.unique(missing)

    def score(
        self, query: np.ndarray, chunk_ids: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cosine of `query` with the given chunks: (found ids, their scores, ids not held).

        Only the rows of `chunk_ids` are scored and returned; the caller passes exactly the chunks
        the asking person may see, so nothing else can enter a ranking.
        """
        snapshot, rows, missing = self.rows_of(chunk_ids)
        query = np.asarray(query, dtype=np.float32).reshape(DIMENSIONS)
        if not len(rows):
            return np.empty(0, np.int64), np.empty(0, np.float32), missing
        # A chunk listed twice (it matches several of the person's keys) is scored once.
        once = np.zeros(snapshot.rows, dtype=bool)
        once[rows] = True
        rows = np.flatnonzero(once)
        if len(rows) >= _FULL_SCAN_SHARE * snapshot.rows:
            scores = (snapshot.vectors @ query)[rows]
        else:
            scores = snapshot.vectors[rows] @ query
        return np.asarray(snapshot.ids[rows]), scores, missing

    def stats(self) -> dict:
        snapshot = self._refresh()
        return {
            "generation": snapshot.generation,
            "rows": snapshot.rows,
            "live": len(snapshot.sorted_ids),
            "bytes": snapshot.rows * (ROW_BYTES + ID_BYTES),
        }

    def live_ids(self) -> np.ndarray:
        return self._refresh().sorted_ids.copy()

    # -- writing ------------------------------------------------------------------------------

    def add(self, chunk_ids: Iterable[int], vectors: np.ndarray) -> int:
        """Append vectors for chunks; a chunk already held is replaced. Returns rows written."""
        ids = np.asarray(list(chunk_ids), dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), DIMENSIONS)
        if not len(ids):
            return 0
        with self._writing():
            generation = self._writable_generation()
            self._stamp = None
            current = self._refresh()
            # Skip rows the matrix already holds with the same vector (a repeated heal or commit).
            _snapshot, rows, _missing = self.rows_of(ids)
            held = dict(zip(np.asarray(current.ids[rows]).tolist(), rows.tolist(), strict=True))
            keep = np.array(
                [
                    i not in held or not np.array_equal(current.vectors[held[i]], vectors[n])
                    for n, i in enumerate(ids.tolist())
                ],
                dtype=bool,
            )
            ids, vectors = ids[keep], vectors[keep]
            if not len(ids):
                return 0
            self._mark_deleted(generation, current, ids)
            ids_path, vectors_path = self._paths(generation)
            with vectors_path.open("ab") as file:
                file.write(vectors.tobytes())
                file.flush()
            with ids_path.open("ab") as file:
                file.write(ids.tobytes())
                file.flush()
            self._stamp = None
            return len(ids)

    def remove(self, chunk_ids: Iterable[int]) -> int:
        """Mark the rows of these chunks deleted (compaction reclaims the space). Returns rows."""
        ids = np.asarray(list(chunk_ids), dtype=np.int64)
        if not len(ids) or self._generation() is None:
            return 0
        with self._writing():
            generation = self._writable_generation()
            self._stamp = None
            removed = self._mark_deleted(generation, self._refresh(), ids)
            self._stamp = None
            return removed

    def _mark_deleted(self, generation: str, snapshot: _Snapshot, ids: np.ndarray) -> int:
        if not snapshot.rows:
            return 0
        rows = np.flatnonzero(np.isin(np.asarray(snapshot.ids), ids))
        if not len(rows):
            return 0
        ids_path, _vectors_path = self._paths(generation)
        marker = np.int64(-1).tobytes()
        with ids_path.open("r+b") as file:
            for row in rows.tolist():
                os.pwrite(file.fileno(), marker, row * ID_BYTES)
        return len(rows)

    def compact(self, *, keep_ids: np.ndarray | None = None) -> dict:
        """Rewrite the matrix with only live rows (and, if given, only chunks in `keep_ids`)."""
        with self._writing():
            self._writable_generation()
            self._stamp = None
            snapshot = self._refresh()
            rows = np.sort(snapshot.sorted_rows)
            if keep_ids is not None:
                rows = rows[np.isin(np.asarray(snapshot.ids[rows]), keep_ids)]
            before = snapshot.rows
            self._new_generation(np.asarray(snapshot.ids[rows]), np.asarray(snapshot.vectors[rows]))
            self._stamp = None
        return {"rows_before": before, "rows_after": len(rows)}

    def replace_all(self, batches: Iterable[tuple[np.ndarray, np.ndarray]]) -> int:
        """Write a fresh matrix from (ids, vectors) batches, e.g. streamed from the database."""
        with self._writing():
            generation = uuid.uuid4().hex
            (self.directory / generation).mkdir(parents=True)
            ids_path, vectors_path = self._paths(generation)
            rows = 0
            with vectors_path.open("wb") as vectors_file, ids_path.open("wb") as ids_file:
                for ids, vectors in batches:
                    ids = np.asarray(ids, dtype=np.int64)
                    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
                    vectors_file.write(vectors.reshape(len(ids), DIMENSIONS).tobytes())
                    ids_file.write(ids.tobytes())
                    rows += len(ids)
                vectors_file.flush()
                os.fsync(vectors_file.fileno())
                ids_file.flush()
                os.fsync(ids_file.fileno())
            self._switch_to(generation)
            self._stamp = None
        return rows
