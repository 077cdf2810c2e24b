// Advocate's bundled theme: small enhancements only. Every page works without them.
(function () {
  "use strict";
  var sources = ["email", "sms", "whatsapp", "x", "linkedin", "link", "qr", "form"];

  // 1. Copy buttons (<button data-copy="text" hidden>): shown only when they can work.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    var status = button.closest("ul") && button.closest("ul").nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        if (status && status.classList.contains("copy-status")) status.textContent = "Link copied.";
      }, function () {
        if (status && status.classList.contains("copy-status")) status.textContent = "Could not copy: select the link and copy it instead.";
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
})();
