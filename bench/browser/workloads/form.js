// Form page: a live summary follows what is typed (a little DOM work per
// key, as forms with validation do), and 120 paragraphs below to scroll.
(function () {
  const content = document.getElementById('content');
  for (let i = 0; i < 120; i++) {
    const p = document.createElement('p');
    p.textContent = 'Paragraph ' + i + ': terms and conditions of delivery, returns and warranty, section ' + i + '.';
    content.appendChild(p);
  }
  const summary = document.getElementById('summary');
  const form = document.getElementById('checkout');
  form.addEventListener('input', () => {
    const n = form.elements.name.value.length + form.elements.notes.value.length;
    summary.textContent = n + ' characters entered';
    summary.className = n > 20 ? 'long' : 'short';
  });
})();
