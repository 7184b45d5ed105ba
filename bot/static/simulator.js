// The shopper simulator: sends a shopper's messages into souk's pipeline and shows the
// replies as the chosen channel would. No inline script, so a strict CSP holds.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const TITLES = { whatsapp: "WhatsApp", telegram: "Telegram", sms: "SMS" };
  let address = null;
  let cursor = 0;
  let timer = null;
  const shown = new Set();

  function channel() {
    return document.querySelector('input[name="channel"]:checked').value;
  }

  function syncIdentityLabel() {
    const tg = channel() === "telegram";
    $("id-label").textContent = tg ? "Chat id" : "Phone number (E.164)";
    const ident = $("ident");
    if (tg && ident.value.startsWith("+")) ident.value = "424242";
    if (!tg && !ident.value.startsWith("+")) ident.value = "+5511987654321";
  }
  document.querySelectorAll('input[name="channel"]').forEach((r) =>
    r.addEventListener("change", syncIdentityLabel));

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function time(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function partNode(part, msg) {
    const bubble = el("li", "bubble out");
    bubble.dir = "auto";
    if (part.content_sid) {
      bubble.appendChild(el("div", "template", "Template " + part.content_sid));
      bubble.appendChild(el("div", "", JSON.stringify(part.content_variables || {})));
    }
    const media = part.media_url || (part.photo ? [part.photo] : []);
    (Array.isArray(media) ? media : [media]).forEach((url) => {
      const img = document.createElement("img");
      img.src = url; img.alt = "";
      bubble.appendChild(img);
    });
    const text = part.body ?? part.text ?? part.caption ?? "";
    if (text) bubble.appendChild(el("div", "text", text));
    const keyboard = part.reply_markup && part.reply_markup.inline_keyboard;
    if (keyboard) {
      const kb = el("div", "keyboard");
      keyboard.forEach((row) => {
        const r = el("div", "keyboard-row");
        row.forEach((button) => {
          const b = el("button", "", button.text);
          b.type = "button";
          if (button.url) b.addEventListener("click", () => window.open(button.url, "_blank"));
          else b.addEventListener("click", () => send(button.text, button.callback_data));
          r.appendChild(b);
        });
        kb.appendChild(r);
      });
      bubble.appendChild(kb);
    }
    bubble.appendChild(el("span", "meta", time(msg.at)));
    return bubble;
  }

  function render(messages) {
    const chat = $("chat");
    messages.forEach((msg) => {
      if (shown.has(msg.id)) return;
      shown.add(msg.id);
      if (msg.direction === "in") {
        const b = el("li", "bubble in");
        b.dir = "auto";
        b.appendChild(el("div", "text", msg.text || ""));
        b.appendChild(el("span", "meta", time(msg.at)));
        chat.appendChild(b);
      } else {
        (msg.parts && msg.parts.length ? msg.parts : [{ body: msg.text }]).forEach((p) =>
          chat.appendChild(partNode(p, msg)));
      }
    });
    chat.scrollTop = chat.scrollHeight;
  }

  async function poll() {
    if (!address) return;
    try {
      const url = "/simulator/api/messages?address=" + encodeURIComponent(address) +
        "&after=" + cursor;
      const res = await fetch(url);
      if (res.ok) {
        const data = await res.json();
        render(data.messages);
        if (Number.isInteger(data.cursor)) cursor = data.cursor;
      }
    } catch (e) { /* the next poll tries again */ }
  }

  async function send(text, payload) {
    const body = { address, text: text || "", name: $("name").value || undefined };
    if (payload) body.payload = payload;
    const res = await fetch("/simulator/api/messages", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      $("identity-error").textContent = (data.error && data.error.message) || "Not sent.";
    }
    poll();
  }

  $("identity").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const ch = channel();
    address = ch + ":" + $("ident").value.trim();
    $("identity-error").textContent = "";
    $("phone").dataset.style = ch;
    $("phone-title").textContent = TITLES[ch];
    $("phone-address").textContent = address;
    $("chat").innerHTML = "";
    shown.clear();
    cursor = 0;
    $("text").disabled = false;
    $("send").disabled = false;
    $("text").focus();
    clearInterval(timer);
    timer = setInterval(poll, 700);
    poll();
  });

  $("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("text").value.trim();
    if (!text || !address) return;
    $("text").value = "";
    send(text);
  });
})();
