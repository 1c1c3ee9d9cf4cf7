"""Worker and inspector pages: Jinja templates, one CSS file, wording in `data/strings.json`."""
