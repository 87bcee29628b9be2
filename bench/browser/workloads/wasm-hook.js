// Measurement hook, the same in the page (a Playwright init script) and in
// our Worker (its text put ahead of recorder-worker.js by the bench's request
// interception): remembers every WebAssembly.Memory an instantiation exports
// or imports, so a run can report the Wasm memory in use wherever the core
// runs. No exports: it runs as a classic script.
(function () {
  const g = globalThis;
  if (g.__benchWasm) return;
  g.__benchWasm = [];
  const note = (instance, imports) => {
    try {
      for (const v of Object.values(instance.exports || {})) if (v instanceof WebAssembly.Memory) g.__benchWasm.push(v);
      for (const mod of Object.values(imports || {})) for (const v of Object.values(mod || {})) if (v instanceof WebAssembly.Memory) g.__benchWasm.push(v);
    } catch (e) { /* measurement only */ }
  };
  const inst = WebAssembly.instantiate;
  WebAssembly.instantiate = function (src, imports) {
    return inst.apply(this, arguments).then((r) => { note(r.instance || r, imports); return r; });
  };
  const stream = WebAssembly.instantiateStreaming;
  if (stream) {
    WebAssembly.instantiateStreaming = function (src, imports) {
      return stream.apply(this, arguments).then((r) => { note(r.instance, imports); return r; });
    };
  }
})();
