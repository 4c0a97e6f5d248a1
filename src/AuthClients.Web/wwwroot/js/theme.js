// The colour mode (Bootstrap 5.3's data-bs-theme on <html>): the one chosen in the Theme menu,
// remembered in this browser, or else the system's, followed as it changes. A classic script
// loaded in <head> (no defer) so the first paint is already in the right mode; no inline script,
// the CSP stays strict.
(() => {
    const storageKey = 'authclients.theme';
    const choices = ['light', 'dark', 'auto'];
    const systemDark = matchMedia('(prefers-color-scheme: dark)');

    const chosen = () => {
        try {
            const value = localStorage.getItem(storageKey);
            return choices.includes(value) ? value : 'auto';
        } catch {
            return 'auto'; // storage blocked: follow the system
        }
    };

    const apply = () => {
        const choice = chosen();
        const mode = choice === 'auto' ? (systemDark.matches ? 'dark' : 'light') : choice;
        document.documentElement.setAttribute('data-bs-theme', mode);
        for (const button of document.querySelectorAll('[data-theme-choice]')) {
            const active = button.dataset.themeChoice === choice;
            button.classList.toggle('active', active);
            button.setAttribute('aria-pressed', String(active));
        }
    };

    apply();
    systemDark.addEventListener('change', apply);
    document.addEventListener('DOMContentLoaded', apply);
    document.addEventListener('click', (event) => {
        const button = event.target.closest('[data-theme-choice]');
        if (!button) return;
        try {
            localStorage.setItem(storageKey, button.dataset.themeChoice);
        } catch {
            // storage blocked: the choice lasts for this page only
        }
        apply();
    });
})();
