/// The HTML report's style sheet: system fonts, light and dark schemes, and below 760 px wide
/// (phones) every table row becomes a card whose cells carry their column name.
enum HTMLStyle {
    static let css = """
        :root {
          --bg: #f6f7f9; --panel: #ffffff; --text: #1f2328; --muted: #59636e; --line: #d8dee4;
          --code-bg: #eff2f5; --link: #0969da;
          --pass: #1a7f37; --fail: #cf222e; --error: #8250df;
          --in-sync: #1a7f37; --drifted: #cf222e; --missing-live: #bc4c00; --unmanaged: #9a6700;
          --warning: #9a6700; --note: #0969da; --ignored: #8c959f;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #9198a1; --line: #30363d;
            --code-bg: #21262d; --link: #4493f8;
            --pass: #3fb950; --fail: #f85149; --error: #a371f7;
            --in-sync: #3fb950; --drifted: #f85149; --missing-live: #db6d28; --unmanaged: #d29922;
            --warning: #d29922; --note: #4493f8; --ignored: #6e7681;
          }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: var(--bg); color: var(--text);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
        }
        code { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
          background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; overflow-wrap: anywhere; }
        a { color: var(--link); text-decoration: none; }
        a:hover { text-decoration: underline; }
        header.top, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
        header.top { display: flex; gap: 20px; align-items: center; padding-top: 28px; padding-bottom: 8px; }
        .verdict { flex: none; font-weight: 700; font-size: 18px; letter-spacing: 0.04em; color: #fff;
          border-radius: 10px; padding: 14px 18px; background: var(--muted); }
        .verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); }
        .verdict.error { background: var(--error); }
        h1 { font-size: 24px; margin: 0; line-height: 1.25; }
        .headline { margin: 2px 0 0; font-size: 17px; }
        .meta { margin: 4px 0 0; color: var(--muted); font-size: 13px; }
        header .meta span + span::before { content: "·"; margin: 0 6px 0 2px; color: var(--line); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px;
          margin: 20px 0 8px; }
        .card { display: block; background: var(--panel); color: var(--text); border: 1px solid var(--line);
          border-top: 4px solid var(--muted); border-radius: 10px; padding: 14px 16px; }
        .card:hover { text-decoration: none; border-color: var(--link); }
        .card.pass { border-top-color: var(--pass); } .card.fail { border-top-color: var(--fail); }
        .card.error { border-top-color: var(--error); }
        .card-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
        .card h2 { font-size: 17px; margin: 0; overflow-wrap: anywhere; }
        .card-error { color: var(--error); font-size: 13px; margin: 8px 0 0; overflow-wrap: anywhere; }
        .bar { display: flex; height: 8px; border-radius: 4px; overflow: hidden; background: var(--line); margin: 12px 0 10px; }
        .bar span { display: block; height: 100%; }
        .bar .s-in-sync { background: var(--in-sync); } .bar .s-drifted { background: var(--drifted); }
        .bar .s-missing-live { background: var(--missing-live); } .bar .s-unmanaged { background: var(--unmanaged); }
        .bar .s-error { background: var(--error); }
        .counts { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0; font-size: 13px; }
        .counts div { display: flex; gap: 5px; } .counts dt { color: var(--muted); } .counts dd { margin: 0; font-weight: 600; }
        .counts .s-drifted dd { color: var(--drifted); } .counts .s-missing-live dd { color: var(--missing-live); }
        .counts .s-unmanaged dd { color: var(--unmanaged); } .counts .s-error dd { color: var(--error); }
        .counts .s-in-sync dd { color: var(--in-sync); }
        .badge { font-size: 11px; font-weight: 700; letter-spacing: 0.05em; color: #fff; border-radius: 999px;
          padding: 2px 9px; vertical-align: middle; background: var(--muted); }
        .badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.error { background: var(--error); }
        section.cluster { background: var(--panel); border: 1px solid var(--line); border-radius: 12px;
          padding: 18px 22px 8px; margin: 20px 0; }
        section.cluster > h2 { margin: 0; font-size: 20px; display: flex; align-items: center; gap: 10px; }
        .summary { margin: 10px 0 0; font-weight: 600; }
        .alert { border-left: 4px solid var(--error); background: var(--code-bg); padding: 10px 14px; border-radius: 6px;
          overflow-wrap: anywhere; }
        h3 { font-size: 15px; margin: 22px 0 8px; }
        .count { color: var(--muted); font-weight: 400; margin-left: 4px; }
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-size: 14px; }
        th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
          font-weight: 600; border-bottom: 1px solid var(--line); padding: 6px 10px; }
        td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; }
        tbody tr:last-child td { border-bottom: none; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .status { font-weight: 600; white-space: nowrap; }
        .status::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
          margin-right: 6px; background: var(--muted); vertical-align: 1px; }
        .status.s-in-sync { color: var(--in-sync); } .status.s-in-sync::before { background: var(--in-sync); }
        .status.s-drifted { color: var(--drifted); } .status.s-drifted::before { background: var(--drifted); }
        .status.s-missing-live { color: var(--missing-live); } .status.s-missing-live::before { background: var(--missing-live); }
        .status.s-unmanaged { color: var(--unmanaged); } .status.s-unmanaged::before { background: var(--unmanaged); }
        .status.s-error { color: var(--error); } .status.s-error::before { background: var(--error); }
        .chip { display: inline-block; font-size: 12px; border: 1px solid var(--line); border-radius: 999px;
          padding: 0 8px; margin: 1px 2px 1px 0; white-space: nowrap; }
        .chip.introduced { border-color: var(--fail); color: var(--fail); }
        .sev { display: inline-block; font-size: 12px; font-weight: 700; border-radius: 4px; padding: 0 6px;
          color: #fff; background: var(--muted); }
        .sev.error { background: var(--fail); } .sev.warning { background: var(--warning); }
        .sev.note { background: var(--note); } .sev.ignored { background: var(--ignored); }
        tr.ignored td { color: var(--muted); }
        .hint { color: var(--muted); font-size: 13px; margin-top: 2px; }
        .quiet { color: var(--muted); font-size: 13px; }
        .type { white-space: nowrap; }
        .service { font-size: 13px; color: var(--muted); margin-top: 3px; overflow-wrap: break-word; }
        .path { display: inline-block; max-width: 280px; overflow-wrap: break-word; }
        .findings td:nth-child(2) { min-width: 180px; }
        .findings td:first-child, .findings th:first-child { width: 1%; }
        .messages { margin: 16px 0; } .messages summary { cursor: pointer; font-weight: 600; }
        .messages li { overflow-wrap: anywhere; font-size: 14px; }
        .empty { color: var(--muted); }
        footer { color: var(--muted); font-size: 12px; padding-top: 8px; padding-bottom: 28px; }
        @media (max-width: 760px) {
          body { font-size: 14px; }
          header.top, main, footer { padding: 0 12px; }
          header.top { padding-top: 16px; gap: 12px; align-items: flex-start; }
          .verdict { font-size: 14px; padding: 9px 11px; }
          h1 { font-size: 19px; } .headline { font-size: 15px; }
          header .meta span { display: block; } header .meta span + span::before { content: none; }
          .cards { grid-template-columns: 1fr; gap: 10px; }
          section.cluster { padding: 14px 12px 4px; border-radius: 10px; }
          table, thead, tbody, tr, td { display: block; width: 100%; }
          thead { display: none; }
          tr { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; margin-bottom: 10px; }
          td { border: none; padding: 3px 0; display: flex; gap: 10px; text-align: left; }
          td::before { content: attr(data-label); flex: none; width: 74px; color: var(--muted); font-size: 12px;
            text-transform: uppercase; letter-spacing: 0.03em; padding-top: 2px; }
          td > .v { min-width: 0; flex: 1; }
          .num { text-align: left; }
          .path { max-width: none; }
          .findings td:nth-child(2) { min-width: 0; }
          /* Services: name and status on one line, the counts under them, then the findings. */
          .services tr { display: grid; grid-template-columns: auto auto 1fr; column-gap: 14px; }
          .services td::before { width: auto; }
          .services td:nth-child(1) { grid-column: 1 / 3; }
          .services td:nth-child(2) { grid-column: 3; justify-content: flex-end; }
          .services td:nth-child(1)::before, .services td:nth-child(2)::before,
          .services td:nth-child(5)::before { content: none; }
          .services td:nth-child(3), .services td:nth-child(4) { grid-row: 2; gap: 6px; }
          .services td:nth-child(5) { grid-column: 1 / 4; }
          /* Findings: severity and type on one line, then what and where. */
          .findings tr { display: grid; grid-template-columns: auto 1fr; column-gap: 10px; }
          .findings td::before { content: none; }
          .findings td:nth-child(3), .findings td:nth-child(4) { grid-column: 1 / 3; }
          .findings td:nth-child(2) .service { display: inline; margin-left: 6px; }
        }
        @media print {
          body { background: #fff; } .card, section.cluster { break-inside: avoid; }
        }
        """
}
