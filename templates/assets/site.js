// Advocate's bundled theme: two small enhancements; every page works without them.
(function () {
  // Copy buttons: <button data-copy="text">.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (!navigator.clipboard) { window.prompt("Copy this link:", text); return; }
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
  // Attribution: a share link's ?src= becomes the form's hidden source field.
  var source = new URLSearchParams(window.location.search).get("src");
  var known = ["email", "sms", "whatsapp", "x", "linkedin", "link", "qr", "form"];
  var field = document.querySelector('.referral-form input[name="source"]');
  if (field && known.indexOf(source) !== -1) { field.value = source; }
})();
