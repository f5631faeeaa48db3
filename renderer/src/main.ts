import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { getBridge } from './bridge/get-bridge';
import { connectHost, hostUnreachable, linkChanged } from './services/host';
import { useAppStore } from './stores/app';
import './style.css';

const pinia = createPinia();
// In the app the preload provides the bridge (and the menu the shortcuts); in a browser, neither.
useAppStore(pinia).inBrowser = !('arenascope' in window);
const app = createApp(App).use(pinia);
app.mount('#app');
// Read the bridge here, at the edge, so nothing else touches globals. In a browser it takes a
// round trip (the server's hello); the page says "connecting" meanwhile.
getBridge((state) => linkChanged(state, pinia)).then(
  (bridge) => connectHost(bridge, pinia),
  (error: unknown) => hostUnreachable(error, pinia),
);
