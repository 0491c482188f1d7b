//! The page's own style and script, inline: nothing is fetched. Colours are variables set for light and dark;
//! series colours are distinguishable in both and keep 3:1 contrast against the background. Print drops the
//! interactive parts and keeps charts whole on a page.

pub const STYLE: &str = r#"
:root{--bg:#fff;--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--head:#f3f3f3;
--c0:#0b6fb0;--c1:#c96a00;--c2:#00805c;--c3:#b4479a;--c4:#3a8fc4;--c5:#c2410c;--c6:#7a6a00;--c7:#6b6b6b}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--fg:#e8e8e8;--muted:#a8a8a8;--line:#3a3d42;--head:#22252a;
--c0:#5eb1ef;--c1:#f0a34a;--c2:#3fcf9c;--c3:#e58acd;--c4:#8cc8f0;--c5:#f57f4f;--c6:#e2cf4a;--c7:#b0b0b0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.4rem;margin:0 0 .4em}h2{font-size:1.15rem;margin:1.6em 0 .5em}h3{font-size:1rem;margin:1.4em 0 .4em}
p{margin:.35em 0}.note{color:var(--muted);font-size:.9rem}
figure{margin:0 0 28px;break-inside:avoid}
svg{width:100%;height:auto;display:block;overflow:visible}
svg text{fill:var(--fg);font-size:11px}svg .sub,svg .tick{fill:var(--muted)}svg .missing{fill:var(--muted);font-style:italic}
.axis .grid{stroke:var(--line);stroke-width:1}
.bar{stroke:none}.bar.est{fill-opacity:.35;stroke-width:1.5;stroke-dasharray:3 2}
polyline.line{fill:none;stroke-width:2}
.s0{fill:var(--c0);stroke:var(--c0)}.s1{fill:var(--c1);stroke:var(--c1)}.s2{fill:var(--c2);stroke:var(--c2)}
.s3{fill:var(--c3);stroke:var(--c3)}.s4{fill:var(--c4);stroke:var(--c4)}.s5{fill:var(--c5);stroke:var(--c5)}
.s6{fill:var(--c6);stroke:var(--c6)}.s7{fill:var(--c7);stroke:var(--c7)}
.bar:not(.est),rect.sw{stroke:none}
.legend{list-style:none;padding:0;margin:.2em 0 .6em;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.9rem}
.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border-radius:2px}
.sw.s0{background:var(--c0)}.sw.s1{background:var(--c1)}.sw.s2{background:var(--c2)}.sw.s3{background:var(--c3)}
.sw.s4{background:var(--c4)}.sw.s5{background:var(--c5)}.sw.s6{background:var(--c6)}.sw.s7{background:var(--c7)}
.sw.est{opacity:.45;outline:1.5px dashed var(--fg);outline-offset:-1px}
.figures{display:flex;flex-wrap:wrap;gap:12px}
.fig{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:170px}
.fig .k{display:block;color:var(--muted);font-size:.85rem}.fig data{font-size:1.35rem;font-weight:600}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.88rem;margin:.5em 0 1em;min-width:60%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:var(--head);position:sticky;top:0}
thead button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}
thead th[aria-sort=ascending] button::after{content:" \25B2"}thead th[aria-sort=descending] button::after{content:" \25BC"}
tbody th{font-weight:normal}tfoot th,tfoot td{font-weight:600;border-top:2px solid var(--fg)}
.na{color:var(--muted)}
@media print{body{background:#fff;color:#000;font-size:11px}main{max-width:none;padding:0}
thead button::after{content:""!important}.scroll{overflow:visible}thead th{position:static}
table{page-break-inside:auto}tr{break-inside:avoid}}
"#;

/// Sorting by a header's button: by each cell's exact value when it has one (missing values last either way),
/// else by its text; the page's address may ask for a sort on load (`#sort=3`, `#sort=-3` for descending, by the
/// column's place from 1). The root gets `data-ready` once the script has run.
pub const SCRIPT: &str = r#"
(function(){
"use strict";
function sortBy(table,i,asc){
var ths=table.tHead.rows[0].cells;
for(var k=0;k<ths.length;k++){ths[k].setAttribute("aria-sort","none");}
ths[i].setAttribute("aria-sort",asc?"ascending":"descending");
var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){
var x=a.cells[i],y=b.cells[i];var xv=x.getAttribute("data-v"),yv=y.getAttribute("data-v");
if(xv!==null||yv!==null){
if(xv===null||xv===""){return yv===null||yv===""?0:1;}
if(yv===null||yv===""){return -1;}
var d=parseFloat(xv)-parseFloat(yv);return asc?d:-d;}
var c=x.textContent.localeCompare(y.textContent);return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});}
var tables=document.querySelectorAll("table.sortable");
Array.prototype.forEach.call(tables,function(t){
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){
var b=th.querySelector("button");if(!b){return;}
b.addEventListener("click",function(){sortBy(t,i,th.getAttribute("aria-sort")!=="ascending");});});});
var m=/^#sort=(-?)(\d+)$/.exec(location.hash);
if(m&&tables.length){var col=parseInt(m[2],10)-1;
if(col>=0&&col<tables[0].tHead.rows[0].cells.length){sortBy(tables[0],col,m[1]!=="-");}}
document.documentElement.setAttribute("data-ready","1");
})();
"#;
