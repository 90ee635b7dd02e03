// "My trackings": the API token lives in this browser's localStorage (key dromedary.token) and goes
// out only as an Authorization header to this server's API. Lists, changes and deletes the user's
// trackings; creates new ones.
(function () {
  'use strict';
  var KEY = 'dromedary.token';
  var $ = function (id) { return document.getElementById(id); };
  var token = localStorage.getItem(KEY);
  var me = null;

  function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + token, accept: 'application/json' } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || ('HTTP ' + r.status)); return j; });
    });
  }
  function say(text) { $('message').textContent = text; }
  function money(minor, currency) {
    if (minor == null) return '—';
    try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(minor / (currency === 'JPY' ? 1 : 100)); } catch (e) { return String(minor); }
  }
  function toMinor(text) { return text === '' ? null : Math.round(Number(text) * 100); }

  function row(t) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-tracking', t.trackingId);
    var link = document.createElement('a');
    link.href = '/products/' + t.marketplace + '/' + t.asin;
    link.textContent = t.asin + ' (' + t.marketplace + ')';
    var cells = [link, t.condition + (t.amazonOnly ? ', Amazon only' : ''), t.latestPrice ? money(t.latestPrice.price, t.latestPrice.currency) : '—'];
    cells.forEach(function (c) { var td = document.createElement('td'); if (typeof c === 'string') td.textContent = c; else td.appendChild(c); tr.appendChild(td); });
    var target = document.createElement('input');
    target.type = 'number'; target.step = '0.01'; target.min = '0'; target.name = 'targetPrice';
    target.value = t.rules.targetPrice == null ? '' : String(t.rules.targetPrice / 100);
    var drop = document.createElement('input');
    drop.type = 'number'; drop.step = '1'; drop.min = '1'; drop.max = '100'; drop.name = 'dropPercent';
    drop.value = t.rules.dropPercent == null ? '' : String(t.rules.dropPercent);
    [target, drop].forEach(function (input) { var td = document.createElement('td'); td.appendChild(input); tr.appendChild(td); });
    var actions = document.createElement('td');
    var save = document.createElement('button'); save.type = 'button'; save.textContent = 'Save'; save.className = 'save';
    var del = document.createElement('button'); del.type = 'button'; del.textContent = 'Delete'; del.className = 'delete';
    save.addEventListener('click', function () {
      var rules = Object.assign({}, t.rules, { targetPrice: toMinor(target.value), dropPercent: drop.value === '' ? null : Number(drop.value) });
      api('PATCH', '/api/v1/trackings/' + t.trackingId, { rules: rules }).then(function () { say('Saved.'); refresh(); }, function (e) { say(e.message); });
    });
    del.addEventListener('click', function () {
      api('DELETE', '/api/v1/trackings/' + t.trackingId).then(function () { say('Deleted.'); refresh(); }, function (e) { say(e.message); });
    });
    actions.appendChild(save); actions.appendChild(del); tr.appendChild(actions);
    return tr;
  }

  function refresh() {
    return api('GET', '/api/v1/users/' + me.userId + '/trackings?limit=200').then(function (page) {
      var body = $('trackings-body');
      body.innerHTML = '';
      page.items.forEach(function (t) { body.appendChild(row(t)); });
      $('account').setAttribute('data-count', String(page.items.length));
    });
  }

  function start() {
    if (!token) { $('signin').hidden = false; $('account').hidden = true; return; }
    api('GET', '/api/v1/me').then(function (user) {
      me = user;
      $('account-email').textContent = user.email;
      $('account-verified').textContent = user.verified ? '' : '(address not confirmed yet: check your email)';
      $('signin').hidden = true; $('account').hidden = false;
      var hash = /#track=([a-z]{2}):([A-Z0-9]{10})/.exec(location.hash);
      if (hash) document.querySelector('#track-form [name=product]').value = 'https://www.amazon.com/dp/' + hash[2] + '?m=' + hash[1];
      return refresh();
    }, function (e) { say(e.message); localStorage.removeItem(KEY); token = null; $('signin').hidden = false; });
  }

  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    token = $('token-input').value.trim();
    localStorage.setItem(KEY, token);
    start();
  });
  $('signout').addEventListener('click', function () { localStorage.removeItem(KEY); token = null; location.reload(); });
  $('track-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var product = f.product.value.trim();
    var m = /[?&]m=([a-z]{2})$/.exec(product);
    var asinMatch = /(?:^|\/dp\/|\/gp\/product\/)([A-Za-z0-9]{10})(?=$|[/?#])/.exec(product);
    var hostMatch = /amazon\.([a-z.]+)/.exec(product);
    var hosts = { com: 'us', 'co.uk': 'uk', de: 'de', fr: 'fr', it: 'it', es: 'es', ca: 'ca', 'co.jp': 'jp', in: 'in', 'com.au': 'au', 'com.mx': 'mx', 'com.br': 'br', nl: 'nl' };
    var marketplace = m ? m[1] : hostMatch ? (hosts[hostMatch[1]] || 'us') : 'us';
    if (!asinMatch) { say('Enter an ASIN or an Amazon product link.'); return; }
    var rules = {};
    if (f.targetPrice.value !== '') rules.targetPrice = toMinor(f.targetPrice.value);
    if (f.dropPercent.value !== '') rules.dropPercent = Number(f.dropPercent.value);
    if (Object.keys(rules).length === 0) rules.allTimeLow = true;
    api('POST', '/api/v1/products/track', { marketplace: marketplace, asin: asinMatch[1].toUpperCase(), condition: f.condition.value, rules: rules })
      .then(function () { say('Tracking.'); f.reset(); return refresh(); }, function (e) { say(e.message); });
  });
  start();
})();
