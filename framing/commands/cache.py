"""``framing cache``: what the per-article result cache holds, and removing stale entries."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``cache info`` and ``cache prune`` to the ``framing`` parser."""
    p = sub.add_parser(
        "cache",
        help="show the per-article result cache, or remove entries of settings no longer used",
        description="framing analyze stores each article's per-article results under the "
        "settings that made them (framing's per-article code, library versions, codebook, "
        "dictionaries, lexicon). A new framing release or another codebook makes new "
        "entries and never reuses the old ones: 'info' lists them by settings, 'prune' "
        "removes those not used recently.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("info", "list the cache's entries by the settings they were made "
                                "under"),
                       ("prune", "remove the entries of settings not used for --older-than "
                                 "days, then shrink the file")):
        q = actions.add_parser(name, help=text, description=text)
        q.add_argument("--cache-dir", default=None,
                       help="cache folder (default: $FRAMING_CACHE_DIR or ~/.cache/framing)")
        if name == "prune":
            q.add_argument("--older-than", type=float, default=30.0, metavar="DAYS",
                           help="remove settings whose latest run is at least this many days "
                           "old (default 30; 0 empties the cache)")
            q.add_argument("--dry-run", action="store_true",
                           help="only print what would be removed")
    p.set_defaults(func=cmd_cache)


def current_fingerprint() -> str:
    """Settings fingerprint of this framing with the shipped codebook."""
    from framing.codebook import load_codebook
    from framing.engine import StageSettings, fingerprint

    return fingerprint(StageSettings(load_codebook(None)))


def cmd_cache(args: argparse.Namespace) -> int:
    from framing import cache

    if args.action == "info":
        table = cache.cache_summary(args.cache_dir, current=current_fingerprint())
        if table.attrs["path"] is None:
            print("no result cache yet (framing analyze makes one)")
            return 0
        print(f"{table.attrs['path']}: {table.attrs['file_mib']} MiB, "
              f"{int(table['entries'].sum())} entries")
        shown = table.assign(settings=table["settings"].str[:12].replace("", "(unrecorded)"))
        print(shown.to_string(index=False))
        return 0
    done = cache.prune_cache(args.cache_dir, args.older_than, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    print(f"{verb} {done['removed_entries']} entries of {len(done['removed_settings'])} "
          f"settings (and any without recorded settings); kept {done['kept_entries']}; "
          f"file {done['file_mib_before']} -> {done['file_mib_after']} MiB")
    for fp in done["removed_settings"]:
        print(f"  {verb}: {fp}")
    return 0
