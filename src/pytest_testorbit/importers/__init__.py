"""``orbit import``: case files from Postman collections, OpenAPI descriptions, HAR and curl.

One module per source turns its input into an ``writer.Imported`` (plain mappings);
``writer`` dumps them and checks every file with the real loader before writing it. These
modules import ``cases`` and the base layer; only ``cli`` imports them.
"""
