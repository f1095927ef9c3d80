#!/usr/bin/env python3
"""Regenerate data/topic-aliases.json: for every `topic` named in
data/technologies.toml, the aliases GitHub Explore lists for it.

Source: ../shared/data/taxonomies/github-explore-topics.json, derived from
github/explore. Content based on github.com/github/explore used under the
CC-BY-4.0 license.

    python3 taxonomy/tools/topic_aliases.py ../shared/data/taxonomies/github-explore-topics.json
"""
import json
import pathlib
import sys
import tomllib

here = pathlib.Path(__file__).resolve().parent.parent
source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else here.parent.parent / "shared/data/taxonomies/github-explore-topics.json")
techs = tomllib.loads((here / "data/technologies.toml").read_text())["tech"]
wanted = {t["topic"] for t in techs if t.get("topic")}
topics = {t["topic"]: t for t in json.loads(source.read_text())}
out = {
    "source": "github/explore topics (CC-BY-4.0): Content based on github.com/github/explore used under the CC-BY-4.0 license.",
    "aliases": {
        topic: sorted(set(topics[topic].get("aliases") or []))
        for topic in sorted(wanted)
        if topic in topics
    },
}
missing = sorted(wanted - topics.keys())
if missing:
    print("topics not in GitHub Explore (kept without aliases):", ", ".join(missing), file=sys.stderr)
(here / "data/topic-aliases.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {len(out['aliases'])} topics")
