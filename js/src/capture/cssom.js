// The CSSOM calls that change a stylesheet without touching the DOM, wrapped
// in one realm (the page's window or a same-origin iframe's) while the
// recording runs: insertRule/deleteRule (and the legacy addRule/removeRule)
// on sheets and on grouping rules (@media, @supports, nested style rules),
// replace/replaceSync on constructed sheets, the disabled setters of sheets
// and <style> elements, and the adoptedStyleSheets setters of Document and
// ShadowRoot.
//
// Each wrapper calls the page's own function first, so arguments, `this`,
// errors and results stay exactly the page's; only a call that returned is
// told to the hooks, which never throw into the page.

// hooks: { changed(list, op, index), replaced(sheet), toggled(sheet), adopted(target) }
// where list is the sheet or grouping rule the call was made on.
// Returns the undo (null when the realm cannot be touched).
export function patchRealm(win, hooks, report) {
  let protos;
  try {
    protos = {
      sheet: win.CSSStyleSheet && win.CSSStyleSheet.prototype,
      group: win.CSSGroupingRule && win.CSSGroupingRule.prototype,
      doc: win.Document && win.Document.prototype,
      shadow: win.ShadowRoot && win.ShadowRoot.prototype,
      styleSheet: win.StyleSheet && win.StyleSheet.prototype,
      style: win.HTMLStyleElement && win.HTMLStyleElement.prototype,
    };
  } catch (e) {
    return null; // a realm this one may not touch
  }
  let active = true;
  const undo = [];
  const tell = (fn) => {
    if (!active) return;
    try {
      fn();
    } catch (e) {
      report('styles', e);
    }
  };
  const wrap = (proto, name, make) => {
    if (!proto || typeof proto[name] !== 'function') return;
    const original = proto[name];
    const wrapped = make(original);
    proto[name] = wrapped;
    undo.push(() => {
      if (proto[name] === wrapped) proto[name] = original;
    });
  };
  // WebIDL unsigned long, as the browser converts the index argument.
  const index = (v) => Number(v) >>> 0;

  for (const proto of [protos.sheet, protos.group]) {
    wrap(proto, 'insertRule', (original) => function insertRule(rule, at) {
      const k = original.apply(this, arguments);
      tell(() => hooks.changed(this, 0, k));
      return k;
    });
    wrap(proto, 'deleteRule', (original) => function deleteRule(at) {
      const out = original.apply(this, arguments);
      tell(() => hooks.changed(this, 1, index(at)));
      return out;
    });
  }
  wrap(protos.sheet, 'addRule', (original) => function addRule(selector, style, at) {
    const k = at === undefined ? this.cssRules.length : index(at);
    const out = original.apply(this, arguments);
    tell(() => hooks.changed(this, 0, k));
    return out;
  });
  wrap(protos.sheet, 'removeRule', (original) => function removeRule(at) {
    const out = original.apply(this, arguments);
    tell(() => hooks.changed(this, 1, at === undefined ? 0 : index(at)));
    return out;
  });
  wrap(protos.sheet, 'replaceSync', (original) => function replaceSync(text) {
    const out = original.apply(this, arguments);
    tell(() => hooks.replaced(this));
    return out;
  });
  wrap(protos.sheet, 'replace', (original) => function replace(text) {
    const promise = original.apply(this, arguments);
    // The rules change when the promise settles; the page keeps its own
    // promise (this derived one handles its rejection, nothing more).
    if (promise && typeof promise.then === 'function') {
      promise.then(() => tell(() => hooks.replaced(this)), () => undefined);
    }
    return promise;
  });

  // sheet.disabled and <style>.disabled change no attribute: wrapped too.
  const accessor = (proto, name, after) => {
    if (!proto) return;
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.set !== 'function' || !desc.configurable) return;
    const setter = desc.set;
    const mine = {
      configurable: true,
      enumerable: desc.enumerable,
      get: desc.get,
      set: { [name](v) {
        setter.call(this, v);
        tell(() => after(this));
      } }[name],
    };
    Object.defineProperty(proto, name, mine);
    undo.push(() => {
      const now = Object.getOwnPropertyDescriptor(proto, name);
      if (now && now.set === mine.set) Object.defineProperty(proto, name, desc);
    });
  };
  accessor(protos.styleSheet, 'disabled', (sheet) => hooks.toggled(sheet));
  accessor(protos.style, 'disabled', (el) => {
    if (el.sheet) hooks.toggled(el.sheet);
  });

  for (const proto of [protos.doc, protos.shadow]) {
    if (!proto) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, 'adoptedStyleSheets');
    if (!desc || typeof desc.set !== 'function' || !desc.configurable) continue;
    const setter = desc.set;
    const mine = {
      configurable: true,
      enumerable: desc.enumerable,
      get: desc.get,
      set: function adoptedStyleSheets(v) {
        setter.call(this, v);
        tell(() => hooks.adopted(this));
      },
    };
    Object.defineProperty(proto, 'adoptedStyleSheets', mine);
    undo.push(() => {
      const now = Object.getOwnPropertyDescriptor(proto, 'adoptedStyleSheets');
      if (now && now.set === mine.set) Object.defineProperty(proto, 'adoptedStyleSheets', desc);
    });
  }

  return () => {
    active = false;
    for (const fn of undo) {
      try {
        fn();
      } catch (e) {
        // The frame's realm is gone; nothing left to restore.
      }
    }
  };
}

// Where a rule list sits in its stylesheet: { sheet, path } with the cssRules
// indexes from the sheet down, `at` last. null for a rule no longer in a
// sheet.
export function rulePath(list, at) {
  const path = [at];
  let node = list;
  while (!('ownerNode' in node)) {
    const parent = node.parentRule || node.parentStyleSheet;
    if (!parent) return null;
    const rules = parent.cssRules;
    let k = 0;
    while (k < rules.length && rules[k] !== node) k++;
    if (k === rules.length) return null;
    path.unshift(k);
    node = parent;
  }
  return { sheet: node, path };
}

// A constructed sheet (new CSSStyleSheet()) has neither an owner element nor
// an @import rule that loaded it.
export function isConstructed(sheet) {
  return sheet.ownerNode === null && sheet.ownerRule === null;
}

// Each rule's cssText, or null for a sheet this realm may not read
// (cross-origin) or one not loaded.
export function readRules(sheet) {
  let rules;
  try {
    rules = sheet.cssRules;
  } catch (e) {
    return null;
  }
  if (!rules) return null;
  const out = new Array(rules.length);
  for (let k = 0; k < rules.length; k++) out[k] = rules[k].cssText;
  return out;
}
