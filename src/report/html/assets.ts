/**
 * The HTML report's stylesheet and script, inlined into every report so the file works offline, from an
 * artifact store or an email attachment. The page's Content-Security-Policy allows nothing but these inline
 * blocks, so even a rendering bug cannot make the page load anything from the network.
 */
export const STYLE = `
:root { --fail: #c62828; --warn: #b26a00; --error: #8e24aa; --info: #1565c0; --skip: #6b7280; --pass: #2e7d32;
  --line: #d9dde3; --soft: #f4f6f8; --text: #1f2328; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--text); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 0; }
.meta, .muted { color: var(--muted); }
.meta { margin: 0; overflow-wrap: anywhere; }
.banner { margin: 12px 0; padding: 8px 12px; border-left: 4px solid var(--warn); background: #fff8e6; }
.banner.incomplete { border-color: var(--fail); background: #fdecec; }
.verdict { margin: 16px 0; padding: 12px 16px; border-radius: 6px; border: 1px solid var(--line); background: var(--soft); }
.verdict.failing { border-color: var(--fail); background: #fdecec; }
.verdict.passing { border-color: var(--pass); background: #edf7ee; }
.verdict strong { font-size: 16px; }
.verdict ul { margin: 6px 0 0; padding-left: 18px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.tile { min-width: 96px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); }
.tile b { display: block; font-size: 20px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.matrix td.st { text-align: center; white-space: nowrap; }
.matrix a { color: inherit; text-decoration: none; display: block; }
.matrix a:hover { text-decoration: underline; }
.dim { opacity: .35; }
.st-fail { color: var(--fail); } .st-warn { color: var(--warn); } .st-error { color: var(--error); }
.st-info { color: var(--info); } .st-skip { color: var(--skip); } .st-pass { color: var(--pass); }
td.st-fail { background: #fdecec; } td.st-warn { background: #fff8e6; } td.st-error { background: #f6ecf8; }
td.st-pass { background: #edf7ee; } td.st-skip { background: var(--soft); } td.st-info { background: #eaf2fc; }
tr.failing td:first-child { border-left: 3px solid var(--fail); }
#filters { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px;
  padding: 8px 10px; margin: 0 0 12px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
#filters label { cursor: pointer; white-space: nowrap; }
#filters select { font: inherit; padding: 2px 4px; }
#shown { margin-left: auto; }
.cell { margin: 0 0 14px; border: 1px solid var(--line); border-radius: 6px; }
.cell > header { display: flex; gap: 10px; align-items: baseline; padding: 6px 10px; background: var(--soft); border-bottom: 1px solid var(--line); }
.cell ol { list-style: none; margin: 0; padding: 0; }
.result { padding: 6px 10px; border-top: 1px solid var(--soft); }
.result:first-child { border-top: 0; }
.line { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.sym { width: 1.2em; font-weight: 700; text-align: center; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-weight: 600; overflow-wrap: anywhere; }
/* Suite step ids are short and dotted: kept whole, so "scim.no-match-empty" reads as one name. */
table.suite td.id { white-space: nowrap; }
.step, .why { color: var(--muted); overflow-wrap: anywhere; }
.details { margin: 6px 0 2px 1.9em; }
.details p { margin: 3px 0; overflow-wrap: anywhere; }
.details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.evidence { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px; margin-top: 6px; }
.evidence h4 { margin: 0 0 2px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
pre { margin: 0; padding: 8px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px;
  font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; }
.repro { margin-top: 6px; }
.copy { font-size: 11px; margin-left: 6px; padding: 0 6px; }
details.full summary { cursor: pointer; color: #555; font-size: 12px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
[hidden] { display: none !important; }
`

/** Filters: status checkboxes and an IdP select hide results (and cells left empty); matrix links pick an IdP. */
export const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var results = Array.prototype.slice.call(document.querySelectorAll('li.result'));
  var cells = Array.prototype.slice.call(document.querySelectorAll('section.cell'));
  var shown = document.getElementById('shown');
  var select = form.querySelector('select[name=idp]');
  var search = form.querySelector('input[name=q]');
  function apply() {
    var statuses = {};
    form.querySelectorAll('input[name=status]').forEach(function (box) { statuses[box.value] = box.checked; });
    var idp = select.value;
    var q = search ? search.value.trim().toLowerCase() : '';
    var visible = 0;
    results.forEach(function (li) {
      var ok = statuses[li.getAttribute('data-status')] === true && (!idp || li.getAttribute('data-idp') === idp) && (!q || li.textContent.toLowerCase().indexOf(q) >= 0);
      li.hidden = !ok;
      if (ok) visible++;
    });
    cells.forEach(function (cell) { cell.hidden = !cell.querySelector('li.result:not([hidden])'); });
    document.querySelectorAll('[data-col-idp]').forEach(function (el) {
      el.classList.toggle('dim', !!idp && el.getAttribute('data-col-idp') !== idp);
    });
    shown.textContent = 'showing ' + visible + ' of ' + results.length + ' results';
  }
  form.addEventListener('change', apply);
  if (search) search.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  // Copy a reproduction line: the buttons show only where a script runs and a clipboard is there.
  if (navigator.clipboard) document.querySelectorAll('button[data-copy]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var text = b.closest('.repro').querySelector('pre').textContent.trim();
      navigator.clipboard.writeText(text).then(function () { b.textContent = 'copied'; }, function () { b.textContent = 'copy failed'; });
    });
  });
  document.querySelectorAll('a[data-pick-idp]').forEach(function (a) {
    a.addEventListener('click', function () {
      select.value = a.getAttribute('data-pick-idp');
      form.querySelectorAll('input[name=status]').forEach(function (box) { box.checked = true; });
      apply();
    });
  });
  apply();
})();
`
