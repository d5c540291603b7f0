// The /terms page: a term's row opens its statement and quotes in a dialog (without this script the row's link jumps to
// them below the picture), /terms#<term-id> opens that term, and the filter form becomes a plain navigation (the site's
// Content-Security-Policy allows no form submissions).
(function () {
  'use strict';
  var dialog = document.getElementById('tl-dialog');
  var content = dialog && dialog.querySelector('.tl-dialog-body');
  var form = document.querySelector('.tl-filter');

  function open(id) {
    var card = id && document.getElementById(id);
    if (!dialog || !card || card.tagName !== 'ARTICLE') return false;
    var copy = card.cloneNode(true);
    // The copy must not repeat the page's ids.
    [copy].concat(Array.prototype.slice.call(copy.querySelectorAll('[id]'))).forEach(function (e) { e.removeAttribute('id'); });
    copy.removeAttribute('aria-labelledby');
    var heading = copy.querySelector('h3');
    if (heading) heading.id = 'tl-dialog-title';
    dialog.setAttribute('aria-labelledby', 'tl-dialog-title');
    content.replaceChildren(copy);
    if (!dialog.open) dialog.showModal();
    history.replaceState(null, '', '#' + encodeURIComponent(id));
    return true;
  }

  function idOf(href) {
    var hash = href.indexOf('#');
    return hash < 0 ? null : decodeURIComponent(href.slice(hash + 1));
  }

  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a.tl-term, .tl-dialog a[href^="#"]');
    if (link && open(idOf(link.getAttribute('href')))) e.preventDefault();
  });

  if (dialog) {
    dialog.querySelector('.tl-dialog-close').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () { history.replaceState(null, '', location.pathname + location.search); });
  }

  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var query = new URLSearchParams();
      new FormData(form).forEach(function (value, key) { if (value) query.set(key, value); });
      var search = query.toString();
      location.assign(location.pathname + (search ? '?' + search : ''));
    });
  }

  if (location.hash.length > 1) open(idOf(location.hash));
})();
