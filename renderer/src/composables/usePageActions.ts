/**
 * What the page does for each menu item and shortcut (shared/protocol/shortcuts.ts). In the app the
 * menu sends them (`menu` events); in a browser the page listens for the same keys itself, since a
 * browser has no application menu. Esc closes the Help dialog; the export dialog and the session
 * actions listen for their own actions.
 */
import { nextTick, onBeforeUnmount, onMounted } from 'vue';
import { browserShortcut, type ShortcutAction } from '../../../shared/protocol/shortcuts';
import { doAction, onMenu } from '../services/host';
import { useAppStore } from '../stores/app';
import { useCatalogStore } from '../stores/catalog';
import { useProgramStore } from '../stores/program';

/** The first field of the run form (the version picker): where "New run" takes the user. */
const RUN_FORM_FIELD = 'version-select';

export function usePageActions(): void {
  const app = useAppStore();

  function act(action: ShortcutAction): void {
    switch (action) {
      case 'new-run':
        app.runListHidden = false;
        void nextTick(() => {
          const field = document.getElementById(RUN_FORM_FIELD);
          field?.scrollIntoView({ block: 'nearest' });
          field?.focus();
        });
        return;
      case 'profile-program':
        // The app's File menu; a browser shows the header's button only where the server starts programs.
        if (useCatalogStore().capabilities.programs) useProgramStore().dialogOpen = true;
        else app.notify('error', 'This host does not start programs for this page (serve --allow-programs).');
        return;
      case 'toggle-run-list':
        app.runListHidden = !app.runListHidden;
        return;
      case 'toggle-detail':
        app.detailHidden = !app.detailHidden;
        return;
      case 'metric-definitions':
        app.showDefinitions(null);
        return;
      case 'theme-light':
      case 'theme-dark':
        app.theme = action === 'theme-light' ? 'light' : 'dark';
        return;
      case 'theme-system':
        app.theme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
        return;
      case 'about':
        app.helpOpen = true;
        return;
      default:
        // export, open-session, save-session: their components listen for them.
        return;
    }
  }

  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  function keydown(e: KeyboardEvent): void {
    if (!app.inBrowser || e.defaultPrevented || e.repeat) return;
    // Typing in a field keeps its keys, except the ones with Ctrl/⌘/Alt and F-keys.
    const target = e.target as HTMLElement | null;
    const typing = target !== null && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
    if (typing && !e.ctrlKey && !e.metaKey && !e.altKey && !/^F\d+$/.test(e.key)) return;
    const shortcut = browserShortcut(e, mac);
    if (shortcut === undefined) return;
    e.preventDefault();
    doAction(shortcut.action);
  }

  const off = onMenu(act);
  onMounted(() => window.addEventListener('keydown', keydown));
  onBeforeUnmount(() => {
    off();
    window.removeEventListener('keydown', keydown);
  });
}
