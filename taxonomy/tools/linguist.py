#!/usr/bin/env python3
"""Regenerate data/linguist.json from GitHub Linguist's languages.yml: for
each language its type (programming, markup, data, prose), colour, group and
aliases. The import names languages exactly as GitHub's API does (Linguist
names) and uses this to tell code from data files and to resolve aliases.

Source: ../shared/data/taxonomies/linguist-languages.yml (github-linguist,
MIT licence, see data/linguist-LICENSE.txt).

    python3 taxonomy/tools/linguist.py ../shared/data/taxonomies/linguist-languages.yml
"""
import json
import pathlib
import sys

import yaml

here = pathlib.Path(__file__).resolve().parent.parent
source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else here.parent.parent / "shared/data/taxonomies/linguist-languages.yml")
languages = yaml.safe_load(source.read_text())
out = {
    "source": "github-linguist lib/linguist/languages.yml (MIT)",
    "languages": {
        name: {
            k: v
            for k, v in {
                "type": lang["type"],
                "color": lang.get("color"),
                "group": lang.get("group"),
                "aliases": sorted(set(lang.get("aliases") or [])),
            }.items()
            if v
        }
        for name, lang in sorted(languages.items())
    },
}
(here / "data/linguist.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{len(out['languages'])} languages")
