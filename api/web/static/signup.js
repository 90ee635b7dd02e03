// Sign-up: posts the address; a new user's API token is shown once and kept in localStorage for the
// "My trackings" page.
(function () {
  'use strict';
  var form = document.getElementById('signup-form');
  var out = document.getElementById('signup-result');
  if (!form || !out) return;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    fetch('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: form.email.value }) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || ('HTTP ' + r.status)); return j; }); })
      .then(function (j) {
        out.textContent = '';
        if (j.token) {
          localStorage.setItem('dromedary.token', j.token);
          out.appendChild(document.createTextNode('Signed up. Your API token (shown only now; kept in this browser): '));
          var code = document.createElement('code'); code.id = 'new-token'; code.textContent = j.token; out.appendChild(code);
        } else {
          out.textContent = 'This address is already registered: we sent the confirmation link again. Use your API token on the My trackings page.';
        }
      })
      .catch(function (e) { out.textContent = e.message; });
  });
})();
