"""A kept CSV file read a block of whole rows at a time, so that an import's memory does not
grow with the file: a ten-million-line ledger export is a gigabyte, and the worker holds one
block of it (BLOCK_BYTES) at once, however long the file.

A block ends at a line end outside any quoted cell, found by counting the quotes before each
line end (numpy, in place). That count only says where rows end when every quote opens or
closes a quoted cell; a quote standing inside an unquoted cell (`12" pipe`, which the csv
reader keeps as text) would throw the count out, so such a file is read by the csv reader
itself, row by row (`UnsureRowEnds`), streamed all the same.

Each block is handed on as UTF-8 text (a Windows-1252 file is re-encoded block by block: it is
one byte a character, so a block border never falls inside one), with the line number its
first line has in the file, so that a row error names the row a spreadsheet shows."""

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from spend.importing.reading import MANGLED_BOM, UnreadableFile, check_headers, sniff_delimiter

# About 90,000 lines of a typical export: large enough that the per-block costs (Arrow's
# reader, the few hundred distinct values checked) vanish, small enough that a block and
# what is made of it (a few times its size) stay a small part of the worker's memory.
# Measured at a million lines: 8 MB blocks check faster than 32 MB ones, in 150 MB less.
BLOCK_BYTES = 8 << 20
UTF8_BOM = b"\xef\xbb\xbf"
LINE_END = re.compile(rb"\r\n|\r|\n")
# The first line that holds more than blanks: the header, whose separators say the delimiter.
FIRST_LINE = re.compile(rb"[^\r\n]*[^\s][^\r\n]*")
NEWLINE, CARRIAGE_RETURN, QUOTE = 0x0A, 0x0D, 0x22
NO_HEADER = "The file has no header row and no data: nothing to import."


class UnsureRowEnds(Exception):
    """A quote inside an unquoted cell: where the rows end is for the csv reader to say."""


@dataclass(frozen=True)
class Block:
    text: bytes  # whole rows, UTF-8
    first_line: int  # the line number of its first line, as the csv reader counts lines


def file_encoding(handle) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else Windows-1252: as
    `reading.text_encoding` decides for bytes in memory, read here piece by piece."""
    handle.seek(0)
    piece = handle.read(BLOCK_BYTES)
    if piece.startswith(UTF8_BOM):
        handle.seek(0)
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while piece:
            decoder.decode(piece)
            piece = handle.read(BLOCK_BYTES)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        handle.seek(0)
    return "utf-8"


def line_ends(data: bytes) -> int:
    """How many lines `data` ends, as the csv reader counts them (LF, CR LF or a lone CR)."""
    returns = data.count(b"\r")
    return data.count(b"\n") + (returns - data.count(b"\r\n") if returns else 0)


def row_end(data: bytes, delimiter: str) -> int:
    """The offset just past the last line end of `data` that lies outside every quoted cell
    (0 when none does), `data` starting at the start of a row; UnsureRowEnds when a quote
    stands where no quoted cell opens or closes, so counting quotes cannot tell."""
    octets = np.frombuffer(data, np.uint8)
    quotes = np.flatnonzero(octets == QUOTE)
    if quotes.size:
        last = octets.size - 1
        before = octets[np.maximum(quotes - 1, 0)]
        after = octets[np.minimum(quotes + 1, last)]
        before[quotes == 0] = NEWLINE
        after[quotes == last] = NEWLINE  # what follows is not read yet
        borders = (ord(delimiter), NEWLINE, CARRIAGE_RETURN, QUOTE)
        # Counting from the row's start, the even quotes open a quoted cell (or are the second
        # of a doubled quote inside one), the odd ones close it.
        if not (np.isin(before[0::2], borders).all() and np.isin(after[1::2], borders).all()):
            raise UnsureRowEnds
    newlines = np.flatnonzero(octets == NEWLINE)
    outside = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    return int(outside[-1]) + 1 if outside.size else 0


class CsvBlocks:
    """A CSV file as its header and its rows in blocks. `headers` and `delimiter` are read
    when it is made; iterate for the blocks of the rows after the header, in file order."""

    def __init__(self, handle, encoding: str, block_bytes: int = BLOCK_BYTES):
        self.handle, self.encoding, self.block_bytes = handle, encoding, block_bytes
        handle.seek(0)
        self._carry = handle.read(block_bytes)
        if encoding == "utf-8-sig":
            self._carry = self._carry.removeprefix(UTF8_BOM)
        first_line = FIRST_LINE.search(self._carry)
        if first_line is None:
            raise UnreadableFile(NO_HEADER)
        self.delimiter = sniff_delimiter(first_line.group().decode(encoding, errors="replace"))
        first = self._text(self._next_rows() or b"")
        text = first.decode(errors="replace")
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        headers = next((cells for cells in reader if any(cell.strip() for cell in cells)), None)
        if headers is None:
            raise UnreadableFile(NO_HEADER)
        headers = [cell.strip() for cell in headers]
        headers[0] = headers[0].removeprefix(MANGLED_BOM).removeprefix("\ufeff").strip()
        check_headers(headers)
        self.headers = headers
        header_lines = reader.line_num
        ends = [match.end() for match in itertools.islice(LINE_END.finditer(first), header_lines)]
        cut = ends[-1] if len(ends) == header_lines else len(first)
        self._first = Block(first[cut:], header_lines + 1)
        self.bytes_read = handle.tell() - len(self._carry)

    def _next_rows(self) -> bytes | None:
        """The next stretch of whole rows of the file as it is (None at its end): a block's
        worth, more when one row is longer than a block."""
        data, self._carry = self._carry, b""
        while True:
            if data and (cut := row_end(data, self.delimiter)):
                self._carry = data[cut:]
                return data[:cut]
            piece = self.handle.read(self.block_bytes)
            if not piece:
                return data or None
            data += piece

    def _text(self, data: bytes) -> bytes:
        if self.encoding.startswith("utf-8"):
            return data
        return data.decode(self.encoding, errors="replace").encode()

    def __iter__(self) -> Iterator[Block]:
        block, line = self._first, self._first.first_line
        while block is not None:
            if block.text:
                yield block
            line += line_ends(block.text)
            data = self._next_rows()
            if data is None:
                return
            self.bytes_read += len(data)
            block = Block(self._text(data), line)


def csv_rows(block: Block, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """A block's rows as the csv reader reads them: (line number in the file, cells)."""
    text = block.text.decode(errors="replace")
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    offset = block.first_line - 1
    for cells in reader:
        yield offset + reader.line_num, cells


class SpilledLines:
    """Checked lines kept on the worker's own disk (an Arrow stream in a temporary file)
    between the check and the store: nothing is stored from a file until every row of it is
    checked, and a ten-million-line file's lines are not held in memory meanwhile. Local
    scratch space for one run of one job, gone when the job ends; the kept upload itself is
    in the shared storage."""

    def __init__(self, schema: pa.Schema):
        descriptor, self.path = tempfile.mkstemp(prefix="import-lines-", suffix=".arrows")
        os.close(descriptor)
        self.schema = schema
        self._writer = None
        self.clear()

    def clear(self):
        """Empty, to be filled from the start again."""
        self._close_writer()
        self.rows = 0
        self._sink = pa.OSFile(self.path, "wb")
        self._writer = pa.ipc.new_stream(self._sink, self.schema)

    def add(self, lines: pa.Table):
        if lines.num_rows:
            self._writer.write_table(lines)
            self.rows += lines.num_rows

    def _close_writer(self):
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None

    def tables(self, rows_at_once: int) -> Iterator[pa.Table]:
        """The lines in file order, in tables of about `rows_at_once` rows."""
        self._close_writer()
        with pa.OSFile(self.path, "rb") as source:
            batches, rows = [], 0
            for batch in pa.ipc.open_stream(source):
                batches.append(batch)
                rows += batch.num_rows
                if rows >= rows_at_once:
                    yield pa.Table.from_batches(batches, self.schema)
                    batches, rows = [], 0
            if batches:
                yield pa.Table.from_batches(batches, self.schema)

    def close(self):
        self._close_writer()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
