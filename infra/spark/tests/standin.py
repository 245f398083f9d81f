"""A stand-in for pyspark's SparkSession, for testing run_sql.py where Spark cannot run.

Only the session is replaced: it reads the script from the local file system, records every spark.sql statement and
the Hadoop settings, and its DataFrame writer lays files out as Spark's Parquet writer does (mode overwrite replaces
the directory; one part-00000-<uuid>-c000.snappy.parquet per partition plus an empty _SUCCESS marker).

Run as a program (python3 standin.py <script path> <output root>) it executes run_sql.main on the stand-in, with the
result directory's URI scheme mapped onto <output root>, and prints the files written, one per line, relative to the root.
"""
import os
import shutil
import sys
import uuid
from urllib.parse import urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import run_sql  # noqa: E402


class _Row:
    def __init__(self, value):
        self.value = value


class _Reader:
    def __init__(self, session):
        self._session = session

    def text(self, uri, wholetext=False):
        self._session.reads.append((uri, wholetext))
        path = self._session.local_path(uri)
        with open(path, encoding="utf-8") as f:
            content = f.read()
        rows = [_Row(content)] if wholetext else [_Row(line) for line in content.split("\n")]
        return _Collected(rows)


class _Collected:
    def __init__(self, rows):
        self._rows = rows

    def collect(self):
        return list(self._rows)


class _Writer:
    def __init__(self, session, query):
        self._session = session
        self._query = query
        self._mode = "errorifexists"

    def mode(self, mode):
        self._mode = mode
        return self

    def parquet(self, uri):
        path = self._session.local_path(uri)
        if os.path.exists(path):
            if self._mode == "overwrite":
                shutil.rmtree(path)
            elif self._mode == "errorifexists":
                raise RuntimeError(f"path {uri} already exists")
        os.makedirs(path, exist_ok=True)
        job = uuid.uuid4()
        for partition in range(self._session.partitions):
            with open(os.path.join(path, f"part-{partition:05d}-{job}-c000.snappy.parquet"), "wb") as f:
                f.write(b"PAR1")
        open(os.path.join(path, "_SUCCESS"), "wb").close()
        self._session.writes.append((uri, self._mode, self._query))


class _DataFrame:
    def __init__(self, session, query):
        self.write = _Writer(session, query)


class _HadoopConf:
    def __init__(self):
        self.values = {}

    def set(self, key, value):
        self.values[key] = value


class _Jsc:
    def __init__(self, conf):
        self._conf = conf

    def hadoopConfiguration(self):
        return self._conf


class _SparkContext:
    def __init__(self, conf):
        self._jsc = _Jsc(conf)


class StandInSparkSession:
    """Records statements and writes; maps URIs (any scheme) onto a local root directory."""

    def __init__(self, root, partitions=2):
        self.root = root
        self.partitions = partitions
        self.statements = []
        self.reads = []
        self.writes = []
        self.hadoop = _HadoopConf()
        self.sparkContext = _SparkContext(self.hadoop)
        self.read = _Reader(self)
        self.stopped = False

    def local_path(self, uri):
        parsed = urlparse(uri)
        if parsed.scheme in ("", "file"):
            return parsed.path if parsed.scheme else uri
        # abfss://container@account.dfs.core.windows.net/path -> <root>/container/path
        container = parsed.netloc.split("@")[0]
        return os.path.join(self.root, container, parsed.path.lstrip("/"))

    def sql(self, statement):
        self.statements.append(statement)
        return _DataFrame(self, statement)

    def stop(self):
        self.stopped = True


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: standin.py <script path> <output root>")
    session = StandInSparkSession(sys.argv[2])
    code = run_sql.main(["run_sql.py", sys.argv[1]], session_factory=lambda: session)
    for uri, _, _ in session.writes:
        directory = session.local_path(uri)
        for name in sorted(os.listdir(directory)):
            print(os.path.relpath(os.path.join(directory, name), sys.argv[2]))
    sys.exit(code)
