// Filtering, sorting and opening linked conclusions. The page shows
// everything without this script; it only adds these conveniences.
(function () {
  'use strict';
  var conclusions = Array.prototype.slice.call(document.querySelectorAll('details.conclusion'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.group'));

  // A link to a conclusion (or anything inside one) opens it.
  function openTarget() {
    var id = location.hash.slice(1);
    if (!id) return;
    var el = document.getElementById(decodeURIComponent(id));
    if (!el) return;
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS') p.open = true;
    }
    el.scrollIntoView();
  }
  window.addEventListener('hashchange', openTarget);

  // Printing shows every proof; the reader's view comes back afterwards.
  var closedBeforePrint = [];
  window.addEventListener('beforeprint', function () {
    closedBeforePrint = conclusions.filter(function (d) { return !d.open; });
    closedBeforePrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closedBeforePrint.forEach(function (d) { d.open = false; });
  });

  var controls = document.getElementById('_controls');
  var pred = document.getElementById('_f-pred');
  var min = document.getElementById('_f-min');
  var sort = document.getElementById('_f-sort');
  var text = document.getElementById('_f-text');
  var count = document.getElementById('_f-count');
  if (controls && pred && min && sort && text && count) {
    var names = [];
    groups.forEach(function (g) {
      var name = g.getAttribute('data-pred');
      if (names.indexOf(name) < 0) names.push(name);
    });
    names.forEach(function (name) {
      var o = document.createElement('option');
      o.value = name;
      o.textContent = name;
      pred.appendChild(o);
    });
    Array.prototype.forEach.call(document.querySelectorAll('#_legend li[data-min]'), function (li) {
      var o = document.createElement('option');
      o.value = li.getAttribute('data-min');
      o.textContent = li.textContent.replace(/\s+[0-9.–-]+$/, '');
      min.appendChild(o);
    });

    // Each group's conclusions, captured once; the page starts in document
    // order, so nodes move only when the reader picks another sort.
    var members = groups.map(function (g) {
      return Array.prototype.slice.call(g.querySelectorAll(':scope > details.conclusion'));
    });
    var sortedBy = 'doc';
    var apply = function () {
      var wanted = pred.value;
      var floor = Number(min.value) || 0;
      var needle = text.value.trim().toLowerCase();
      var reorder = sort.value !== sortedBy;
      sortedBy = sort.value;
      var shown = 0;
      groups.forEach(function (g, gi) {
        var items = members[gi];
        if (reorder) {
          var key = function (d) { return Number(d.getAttribute(sort.value === 'doc' ? 'data-i' : 'data-l')); };
          items = items.slice().sort(function (a, b) {
            var d = key(a) - key(b);
            if (sort.value === 'desc') d = -d;
            return d || Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
          });
          items.forEach(function (d) { g.appendChild(d); });
        }
        var visible = 0;
        items.forEach(function (d) {
          var ok = (!wanted || d.getAttribute('data-pred') === wanted) &&
            Number(d.getAttribute('data-l')) >= floor;
          if (ok && needle) {
            var summary = d.querySelector('summary');
            ok = !!summary && summary.textContent.toLowerCase().indexOf(needle) >= 0;
          }
          if (d.hidden !== !ok) d.hidden = !ok;
          if (ok) visible += 1;
        });
        if (g.hidden !== (visible === 0)) g.hidden = visible === 0;
        shown += visible;
      });
      count.textContent = shown + ' of ' + conclusions.length + ' conclusions shown';
    };
    [pred, min, sort].forEach(function (el) { el.addEventListener('change', apply); });
    text.addEventListener('input', apply);
    document.getElementById('_f-open').addEventListener('click', function () {
      conclusions.forEach(function (d) { if (!d.hidden) d.open = true; });
    });
    document.getElementById('_f-close').addEventListener('click', function () {
      conclusions.forEach(function (d) { d.open = false; });
    });
    controls.hidden = false;
    apply();
  }
  openTarget();
})();
