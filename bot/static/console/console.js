// The agent console's only script: live updates over server-sent events, canned replies,
// revealing an address. No inline script anywhere, so a strict CSP can hold.
(function () {
  "use strict";
  const body = document.body;
  const page = body.dataset.page;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  // Fetch a fragment of this page and put it in place; a redirect means the session
  // ended, and the next navigation shows the login page.
  async function swap(id, url, after) {
    try {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok || res.redirected) return;
      document.getElementById(id).innerHTML = await res.text();
      if (after) after();
    } catch (e) { /* the next event or reconnect tries again */ }
  }

  // The browser reconnects by itself (the server sets `retry:`); every (re)connect
  // refreshes, so nothing published while disconnected is missed.
  function listen(conversation, onEvent, onConnect) {
    let url = body.dataset.eventsUrl;
    if (conversation) url += "?conversation=" + conversation;
    const source = new EventSource(url);
    source.addEventListener("open", onConnect);
    source.addEventListener("message", (m) => {
      let event = null;
      try { event = JSON.parse(m.data); } catch (e) { return; }
      onEvent(event);
    });
    return source;
  }

  function scrollTranscript() {
    const transcript = document.getElementById("transcript");
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }

  if (page === "inbox") {
    const box = document.getElementById("inbox");
    const refresh = debounce(() => swap("inbox", box.dataset.rowsUrl), 200);
    listen(null, (event) => { if (event.type !== "presence") refresh(); }, refresh);
  }

  if (page === "conversation") {
    const id = Number(body.dataset.conversation);
    const refresh = debounce(() => swap("live", body.dataset.liveUrl, scrollTranscript), 200);
    listen(id, (event) => { if (event.conversation === id) refresh(); }, refresh);
    scrollTranscript();

    const text = document.getElementById("reply-text");
    document.querySelectorAll("[data-canned]").forEach((button) => {
      button.addEventListener("click", () => {
        if (!text) return;
        text.value = text.value ? text.value + "\n" + button.dataset.canned : button.dataset.canned;
        text.focus();
      });
    });

    const reveal = document.getElementById("reveal");
    if (reveal) {
      reveal.addEventListener("click", async () => {
        const res = await fetch(reveal.dataset.url, {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
        });
        if (!res.ok || res.redirected) return;
        const data = await res.json();
        document.getElementById("address").textContent = data.address;
        reveal.remove();
      });
    }
  }
})();
