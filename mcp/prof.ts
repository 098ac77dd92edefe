import { loadStore } from './src/store/load.js';
const t = performance.now();
const s = await loadStore('/tmp/large-store', { defaultCountry: 'US' });
console.log(s.orders.size, ((performance.now() - t) / 1000).toFixed(2), 's');
