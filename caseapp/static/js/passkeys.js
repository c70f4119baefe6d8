// Passkeys (AUTH-13): runs the browser's half of the WebAuthn ceremonies for forms marked
// data-passkey="register", "sign-in" or "confirm" (the password change, AUTH-10: there the passkey is
// asked only when no code was typed, so a code or a recovery code still works). The server writes the options into the form's
// data-options (and keeps the challenge in its session: the CSP allows no fetch); this file asks the
// authenticator and puts its answer, as JSON, in the form's hidden "credential" field before sending
// the form the ordinary way, with its CSRF token.
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return { publicKey: options };
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return { publicKey: options };
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : []
      }
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null
      }
    };
  }

  function showError(form) {
    var box = form.querySelector("[data-passkey-error]");
    if (box) { box.hidden = false; }
  }

  function run(form) {
    // A synchronous throw (unreadable options, no WebAuthn) is shown like a refusal.
    try { ask(form); } catch (error) { showError(form); }
  }

  function ask(form) {
    var register = form.getAttribute("data-passkey") === "register";
    var box = form.querySelector("[data-passkey-error]");
    if (box) { box.hidden = true; }
    var json = JSON.parse(form.getAttribute("data-options"));
    var asked = register ? navigator.credentials.create(creationOptions(json))
      : navigator.credentials.get(requestOptions(json));
    asked.then(function (credential) {
      if (!credential) { throw new Error("no credential"); }
      form.querySelector("input[name=credential]").value =
        JSON.stringify(register ? registrationJSON(credential) : assertionJSON(credential));
      form.submit();
    }).catch(function () { showError(form); });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    if (!window.PublicKeyCredential) {
      var unsupported = form.querySelector("[data-passkey-unsupported]");
      if (unsupported) { unsupported.hidden = false; }
      return;
    }
    var confirming = form.getAttribute("data-passkey") === "confirm";
    form.addEventListener("submit", function (event) {
      if (form.querySelector("input[name=credential]").value) { return; }
      var code = form.querySelector("input[name=code]");
      if (confirming && code && code.value.trim()) { return; }
      event.preventDefault();
      if (typeof form.reportValidity === "function" && !form.reportValidity()) { return; }
      run(form);
    });
  });
})();
