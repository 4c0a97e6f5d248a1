// Behaviour for the admin pages. Loaded as a module; reads everything it needs from data-*
// attributes so that pages work under a CSP without inline script.

// The page's anti-forgery token, for requests sent from script (copying a secret): the Auth Clients
// list renders one in <form data-antiforgery hidden>; any form's token is the same.
const antiforgeryToken = () =>
    document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';

// "Copy Client Secret to Clipboard": fetch the secret on demand, never keep it in the page.
document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy-secret-url]');
    if (!button) return;
    const feedback = button.parentElement.querySelector('.copy-feedback');
    try {
        const response = await fetch(button.dataset.copySecretUrl, {
            method: 'POST',
            headers: { 'RequestVerificationToken': antiforgeryToken(), 'Accept': 'application/json' },
            credentials: 'same-origin',
            cache: 'no-store',
        });
        if (!response.ok) throw new Error(response.status === 404 ? button.dataset.copySecretMissing : 'Could not copy the secret.');
        const { secret } = await response.json();
        await navigator.clipboard.writeText(secret);
        show(feedback, 'Copied', 'text-success');
    } catch (error) {
        show(feedback, error.message || 'Could not copy the secret.', 'text-danger');
    }
});

function show(element, text, colour) {
    if (!element) return;
    element.classList.remove('text-success', 'text-danger');
    element.classList.add(colour);
    element.textContent = text;
    clearTimeout(element.clearTimer);
    element.clearTimer = setTimeout(() => { element.textContent = ''; }, 3000);
}

// The delete dialog takes the row's name (as text, never HTML) and delete URL from its Delete button
// (the Revoke now dialog, a credential's label and revoke URL from its button); its form carries its
// own anti-forgery token.
document.addEventListener('show.bs.modal', (event) => {
    const trigger = event.relatedTarget;
    const form = event.target.querySelector('[data-delete-form]');
    if (!trigger || !form) return;
    form.action = trigger.dataset.deleteUrl;
    form.querySelector('[data-delete-name]').textContent = trigger.dataset.deleteName;
});

// Checkboxes that show or hide a field (the Redirect URL follows "Enable Authorization Code Grant").
for (const checkbox of document.querySelectorAll('[data-toggles]')) {
    const target = document.querySelector(checkbox.dataset.toggles);
    const sync = () => target?.classList.toggle('d-none', !checkbox.checked);
    checkbox.addEventListener('change', sync);
    sync();
}

// Selects that apply at once (the per-page choice).
for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    form.addEventListener('change', () => form.requestSubmit());
}

// Copy the text of another element (the personal access token shown once).
document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy-text]');
    if (!button) return;
    const feedback = button.parentElement.querySelector('.copy-feedback');
    try {
        await navigator.clipboard.writeText(document.querySelector(button.dataset.copyText).textContent.trim());
        show(feedback, 'Copied', 'text-success');
    } catch {
        show(feedback, 'Could not copy: select the text and copy it yourself.', 'text-danger');
    }
});

// Permission checkboxes of a user or a group, per category. Each names the permissions that
// choosing it also chooses (data-permission-implies, rendered from the server's PermissionRules, so
// the rules live in one place): choosing one chooses those; removing one removes those that imply it
// (so removing View removes the others). The server applies the same rules on save.
for (const category of document.querySelectorAll('[data-permission-category]')) {
    const boxes = [...category.querySelectorAll('input[data-permission-implies]')];
    const implied = (input) => input.dataset.permissionImplies.split(' ').filter(Boolean);
    category.addEventListener('change', (event) => {
        const input = event.target.closest('input[data-permission-implies]');
        if (!input) return;
        for (const other of boxes.filter((box) => !box.disabled)) {
            if (input.checked && implied(input).includes(other.value)) other.checked = true;
            if (!input.checked && implied(other).includes(input.value)) other.checked = false;
        }
    });
}

// Lists shown as cards on small screens (.table-cards in site.css): each cell is labelled with its
// column's header. A header that only holds hidden text (the Actions column) labels nothing.
for (const table of document.querySelectorAll('table.table-cards')) {
    const labels = [...table.querySelectorAll(':scope > thead > tr > th')].map((th) =>
        th.querySelector(':scope > .visually-hidden') ? '' : th.textContent.trim());
    for (const row of table.querySelectorAll(':scope > tbody > tr')) {
        [...row.children].forEach((cell, index) => {
            if (labels[index] && !cell.hasAttribute('colspan')) cell.dataset.label = labels[index];
        });
    }
}

// Links drawn and named as buttons (role="button": Create, Edit, Activity) answer Space as a button
// does, not only Enter as a link does; without this, Space scrolls the page instead.
document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || !event.target.matches?.('a[role="button"][href]')) return;
    event.preventDefault();
    event.target.click();
});

// An open dialog keeps the focus: Tab on its last control goes to its first, Shift+Tab on its first
// (or on the dialog itself) to its last. Bootstrap's own trap brings the focus back only once it has
// landed elsewhere in the page; from a dialog at the page's end, Tab would leave for the browser's bar.
const focusableInDialog = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
document.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const dialog = document.querySelector('.modal.show');
    if (!dialog) return;
    const controls = [...dialog.querySelectorAll(focusableInDialog)].filter((control) => control.offsetParent !== null);
    if (controls.length === 0) return;
    const [first, last] = [controls[0], controls.at(-1)];
    const wrapTo = event.shiftKey
        ? (document.activeElement === first || document.activeElement === dialog ? last : null)
        : (document.activeElement === last ? first : null);
    if (wrapTo) {
        event.preventDefault();
        wrapTo.focus();
    }
});

// A status message brought by a redirect is drawn outside the (empty) live region: moved into it
// once the page has settled, so screen readers announce it (_StatusMessage.cshtml).
const announceStatus = () => {
    const message = document.querySelector('[data-status-message]');
    const region = document.querySelector('[data-status-region]');
    if (message && region) region.append(message);
};
setTimeout(announceStatus, 100);
