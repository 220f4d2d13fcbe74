/* Certificate block: sends the claim form. (Staff act on certificates from the cohort drill-down.) */
function ElsxCertificate(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var handlerElement = common.domElement(element);
  var root = handlerElement.querySelector(".elsx-certificate") || handlerElement;
  var busy = false;

  function values(form) {
    var data = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name], select[name]"), function (field) {
      if (field.type === "checkbox") { data[field.name] = field.checked; return; }
      data[field.name] = field.value;
    });
    return data;
  }

  function markInvalid(form, fieldName) {
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
      field.removeAttribute("aria-invalid");
    });
    var field = fieldName && form.querySelector('[name="' + fieldName + '"]');
    if (field) { field.setAttribute("aria-invalid", "true"); }
    return field;
  }

  function send(form, handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    common.clearError(root);
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    common.post(runtime, handlerElement, handler, data).then(function (reply) {
      busy = false;
      if (button) { button.disabled = false; }
      if (!reply.ok) {
        markInvalid(form, reply.body.field);
        common.showError(root, reply.body.error);
        return;
      }
      markInvalid(form, null);
      onDone(reply.body);
    }, function () {
      busy = false;
      if (button) { button.disabled = false; }
      common.showError(root, null);
    });
  }

  // "Copy link": the clipboard when the browser allows it, else the text is left selected to copy by hand.
  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-link]");
    if (!button) { return; }
    var share = button.parentNode;
    var field = share.querySelector("[data-copy-source]");
    var status = share.querySelector("[data-copy-status]");
    field.focus();
    field.select();
    var copied = function () { status.textContent = button.getAttribute("data-copied") || ""; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(copied, function () { /* left selected */ });
    } else if (document.execCommand && document.execCommand("copy")) {
      copied();
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var region = form.getAttribute("data-region");
    if (region === "claim") {
      event.preventDefault();
      send(form, "claim", values(form), function (body) {
        var target = common.fill(root, "body", body.html);
        var issued = target && target.querySelector('[data-region="issued"]');
        if (issued) { issued.focus(); }
        common.announceProgress();
      });
    }
  });
}
