// Passkeys (WebAuthn) for the profile's Sign-in security tab and the sign-in page. A module under the
// strict CSP: it reads its URLs from data-* attributes, asks the server for the ceremony's options,
// runs the browser's ceremony and posts the result in the form's hidden Credential field, so the
// server answers with an ordinary page (POST-Redirect-GET, messages next to the form).

const antiforgeryToken = (form) =>
    form.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';

async function fetchOptions(form) {
    const response = await fetch(form.dataset.optionsUrl, {
        method: 'POST',
        headers: { 'RequestVerificationToken': antiforgeryToken(form), 'Accept': 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
    });
    if (!response.ok) throw new Error('The server did not answer. Reload the page and try again.');
    return response.json();
}

function supported() {
    return window.PublicKeyCredential && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function';
}

// A ceremony the person cancelled or that timed out is not an error worth more than a sentence.
function explain(error) {
    return error?.name === 'NotAllowedError'
        ? 'The passkey request was cancelled or timed out.'
        : (error?.message || 'The passkey could not be used.');
}

function wire(form, ceremony) {
    const errorText = form.querySelector('[data-passkey-error]');
    form.addEventListener('submit', async (event) => {
        if (form.dataset.ready === 'true') return;
        event.preventDefault();
        if (!form.reportValidity()) return;
        if (errorText) errorText.textContent = '';
        if (!supported()) {
            if (errorText) errorText.textContent = 'This browser does not support passkeys.';
            return;
        }
        try {
            const credential = await ceremony(await fetchOptions(form));
            form.querySelector('input[name="Credential"]').value = JSON.stringify(credential.toJSON());
            form.dataset.ready = 'true';
            form.submit();
        } catch (error) {
            if (errorText) errorText.textContent = explain(error);
        }
    });
}

for (const form of document.querySelectorAll('form[data-passkey-create]')) {
    wire(form, (options) => navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) }));
}

for (const form of document.querySelectorAll('form[data-passkey-sign-in]')) {
    wire(form, (options) => navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) }));
}
