// Advocate's bundled theme: small enhancements only. Every page works without them.
(function () {
  "use strict";
  var sources = ["email", "sms", "whatsapp", "x", "linkedin", "link", "qr", "form"];

  // 1. Copy buttons (<button data-copy="text" hidden>): shown only when they can work.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    var status = button.closest("ul") && button.closest("ul").nextElementSibling;
    button.hidden = false;
    // Emptied first and filled a moment later, so that a second copy is announced again.
    function say(text) {
      if (!status || !status.classList.contains("copy-status")) return;
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 100);
    }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        say("Link copied.");
      }, function () {
        say("Could not copy: select the link and copy it instead.");
      });
    });
  });

  // 2. Attribution: on a referrer page, the link's ?src= becomes the form's hidden source.
  var source = new URLSearchParams(window.location.search).get("src");
  var field = document.querySelector('.referral-form input[name="source"]');
  if (field && sources.indexOf(source) !== -1) field.value = source;

  // 3. After a failed submission, move focus to the list of problems.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // 4. A form is sent once: a second click while the first is on its way recorded the friend,
  // then answered them "already referred". A submit within ten seconds of the last is that
  // second click (after longer, a send stopped with Esc can be tried again). Shown again by the
  // Back button, from the back-forward cache or refilled by the browser, a sent form is emptied.
  var forms = document.querySelectorAll("form.referral-form");
  var sentKey = "advocate-sent:" + window.location.pathname;
  var sentHere = false;
  forms.forEach(function (form) {
    var sentAt = 0;
    form.addEventListener("submit", function (event) {
      if (Date.now() - sentAt < 10000) { event.preventDefault(); return; }
      sentAt = Date.now();
      sentHere = true;
      try { window.sessionStorage.setItem(sentKey, "1"); } catch (error) { /* storage off: the back-forward cache's case below */ }
    });
  });
  window.addEventListener("pageshow", function (event) {
    var sent = event.persisted && sentHere;
    try {
      sent = sent || window.sessionStorage.getItem(sentKey) !== null;
      window.sessionStorage.removeItem(sentKey);
    } catch (error) { /* storage off */ }
    if (!sent) return;
    sentHere = false;
    forms.forEach(function (form) { form.reset(); });
  });
})();
