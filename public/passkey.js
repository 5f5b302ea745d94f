// Passkeys in the dashboard. A button marked data-passkey="register" or "sign-in" inside a
// form: asks data-options (a form POST with the form's fields) for the WebAuthn options, runs
// the browser's ceremony, puts the answer (JSON) in the form's `response` field and submits
// the form to data-action (or its own action). Errors show in the form's [data-passkey-error].
(() => {
  const toBuf = (s) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (ch) => ch.charCodeAt(0)).buffer;
  };
  const toB64u = (buf) => {
    let bin = '';
    for (const b of new Uint8Array(buf)) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBuf(c.id) }));

  async function register(o) {
    const cred = await navigator.credentials.create({
      publicKey: { ...o, challenge: toBuf(o.challenge), user: { ...o.user, id: toBuf(o.user.id) }, excludeCredentials: descriptors(o.excludeCredentials) },
    });
    return {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64u(cred.response.clientDataJSON),
        attestationObject: toB64u(cred.response.attestationObject),
        transports: cred.response.getTransports ? cred.response.getTransports() : [],
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    };
  }

  async function signIn(o) {
    const cred = await navigator.credentials.get({
      publicKey: { ...o, challenge: toBuf(o.challenge), allowCredentials: descriptors(o.allowCredentials) },
    });
    return {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64u(cred.response.clientDataJSON),
        authenticatorData: toB64u(cred.response.authenticatorData),
        signature: toB64u(cred.response.signature),
        userHandle: cred.response.userHandle ? toB64u(cred.response.userHandle) : undefined,
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    };
  }

  document.addEventListener('click', async (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('[data-passkey]') : null;
    if (!button) return;
    ev.preventDefault();
    const form = button.closest('form');
    const error = form.querySelector('[data-passkey-error]');
    if (error) error.hidden = true;
    try {
      if (!window.PublicKeyCredential) throw new Error('This browser does not support passkeys.');
      const fields = new URLSearchParams(new FormData(form));
      fields.delete('response');
      const res = await fetch(button.dataset.options, { method: 'POST', body: fields });
      if (!res.ok) throw new Error(res.headers.get('content-type')?.includes('json') ? (await res.json()).message : 'The server refused the request.');
      const options = await res.json();
      const answer = button.dataset.passkey === 'register' ? await register(options) : await signIn(options);
      form.querySelector('input[name=response]').value = JSON.stringify(answer);
      if (button.dataset.action) form.action = button.dataset.action;
      form.submit();
    } catch (err) {
      if (error) {
        error.textContent = err && err.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out.' : String((err && err.message) || err);
        error.hidden = false;
      }
    }
  });
})();
