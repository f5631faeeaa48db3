import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { useAppStore } from './stores/app';

const pinia = createPinia();
const app = createApp(App).use(pinia);
// Read the bridge here, at the edge, so the store itself never touches globals.
useAppStore(pinia).connect(window.arenascope);
app.mount('#app');
