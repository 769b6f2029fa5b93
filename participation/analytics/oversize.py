"""A too large upload is refused before its body is read, with the typed fields kept.

The app-wide MAX_CONTENT_LENGTH answers a bigger body with a bare 413 page and loses what the admin
typed. The upload form puts its file input last, so the small fields (CSRF token, source, reference
date) arrive first in the multipart body: this reads only the first bytes and decodes those fields.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Field, MultipartDecoder, Preamble

HEAD_BYTES = 64 * 1024


def fields_before_file(request: Request) -> MultiDict[str, str]:
    """The form fields that precede the first file in a multipart body, reading at most HEAD_BYTES."""
    fields: MultiDict[str, str] = MultiDict()
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary")
    if mimetype != "multipart/form-data" or not boundary:
        return fields
    # The raw input: request.stream would refuse a body over MAX_CONTENT_LENGTH before reading.
    head = request.environ["wsgi.input"].read(HEAD_BYTES)
    decoder = MultipartDecoder(boundary.encode(), max_form_memory_size=HEAD_BYTES)
    decoder.receive_data(head)
    name: str | None = None
    value = bytearray()
    while True:
        event = decoder.next_event()
        if isinstance(event, Preamble):
            continue
        if isinstance(event, Field):
            name, value = event.name, bytearray()
        elif isinstance(event, Data) and name is not None:
            value += event.data
            if not event.more_data:
                fields.add(name, value.decode("utf-8", "replace"))
                name = None
        else:
            # NeedData (the head ends), File (the upload starts) or Epilogue: nothing more to read.
            break
    return fields
