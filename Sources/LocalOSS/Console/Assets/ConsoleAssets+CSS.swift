extension ConsoleAssets {
    static let css = #"""
        :root { --fg: #1d2330; --muted: #5b6475; --line: #d8dde6; --bg: #f6f7f9; --accent: #0b5fff; --danger: #b3261e;
          --ok: #1e7a34; --panel: #fff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          font-size: 14px; color: var(--fg); background: var(--bg); }
        * { box-sizing: border-box; }
        body { margin: 0; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 8px 16px;
          background: #1d2330; color: #fff; }
        .brand { font-weight: 700; font-size: 16px; }
        header nav { display: flex; flex-wrap: wrap; gap: 4px; }
        header nav a { color: #dfe6f5; text-decoration: none; padding: 6px 10px; border-radius: 4px; }
        header nav a[aria-current="page"] { background: #3a4560; color: #fff; }
        header nav a:hover { background: #2c3549; }
        #server-info { margin-left: auto; color: #aab4c8; font-size: 12px; }
        main { padding: 12px 16px 40px; max-width: 1600px; }
        main:focus { outline: none; }
        h1 { font-size: 20px; margin: 8px 0 12px; }
        h2 { font-size: 16px; margin: 16px 0 8px; }
        h3 { font-size: 14px; margin: 14px 0 6px; }
        h4 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); }
        a { color: var(--accent); }
        :focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
        header :focus-visible { outline-color: #fff; }
        #status { min-height: 0; padding: 0 16px; }
        #status.shown { padding: 6px 16px; background: #e7f1e9; color: var(--ok); }
        #status.error { background: #fbe9e7; color: var(--danger); }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
          margin: 0 0 12px; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: var(--panel); }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.mono, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
        td { overflow-wrap: break-word; }
        td.num, td button { white-space: nowrap; }
        tr.selected td { background: #e8f0ff; }
        tr.failed td.status { color: var(--danger); font-weight: 600; }
        form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin: 0 0 12px; }
        label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
        label.check { flex-direction: row; align-items: center; gap: 4px; }
        input, select, button { font: inherit; padding: 4px 8px; border: 1px solid #b8c0cc; border-radius: 4px;
          background: #fff; color: var(--fg); }
        input[type="checkbox"] { padding: 0; }
        button { cursor: pointer; background: #eef1f5; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button.danger { color: var(--danger); border-color: #e1b4b0; }
        button:disabled { opacity: .5; cursor: default; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-all; }
        pre { background: #f1f3f6; border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap;
          word-break: break-all; font-size: 12px; margin: 4px 0; }
        .crumbs { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin: 0 0 10px; }
        .crumbs span.sep { color: var(--muted); }
        .pager { display: flex; gap: 12px; margin: 8px 0; }
        progress { width: 260px; height: 16px; }
        .split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 12px; align-items: start; }
        /* The journal and a folder's listing: their tables get the room to show every column at 1280 px. */
        .split.wide { grid-template-columns: minmax(0, 8fr) minmax(320px, 5fr); }
        .split.wide th, .split.wide td { padding: 5px 6px; }
        .cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
        .hint { color: var(--muted); font-size: 12px; }
        .signature { border-left: 4px solid var(--danger); padding-left: 10px; }
        .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
        @media (max-width: 900px) {
          .split, .split.wide, .cols, .grid2 { grid-template-columns: minmax(0, 1fr); }
          #server-info { margin-left: 0; width: 100%; }
          progress { width: 100%; }
        }
        """#
}
