/* Shared helpers for elsx blocks: JSON posts with CSRF, showing errors. */
window.ElsxCommon = window.ElsxCommon || (function () {
  "use strict";
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function domElement(element) {
    return element && element.jquery ? element[0] : element;
  }
  function post(runtime, element, handler, data) {
    return fetch(runtime.handlerUrl(element, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken")},
      body: JSON.stringify(data || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {ok: response.ok, status: response.status, body: body};
      });
    });
  }
  /* One file as multipart/form-data; the browser writes the boundary, so no Content-Type here. */
  function postFile(runtime, element, handler, field, file) {
    var form = new FormData();
    form.append(field, file);
    return fetch(runtime.handlerUrl(element, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": cookie("csrftoken")},
      body: form
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        // The LMS refuses files above its own limit before the handler runs, as {"success": message}.
        if (!response.ok && !body.error && body.success) { body = {error: body.success}; }
        return {ok: response.ok, status: response.status, body: body};
      });
    });
  }
  function region(root, name) {
    return root.querySelector('[data-region="' + name + '"]');
  }
  /* Server-rendered, autoescaped HTML from our own handlers. */
  function fill(root, name, html) {
    var target = region(root, name);
    if (target && typeof html === "string") { target.innerHTML = html; }
    return target;
  }
  function showError(root, message) {
    var box = region(root, "error");
    if (!box) { return; }
    var gettext = window.gettext || function (text) { return text; };
    box.textContent = message || box.getAttribute("data-default") || gettext("Something went wrong. Please try again.");
    box.hidden = false;
    box.focus();
  }
  function clearError(root) {
    var box = region(root, "error");
    if (box) { box.hidden = true; box.textContent = ""; }
  }
  function announceProgress() {
    document.dispatchEvent(new CustomEvent("elsx:progress"));
  }
  return {post: post, postFile: postFile, fill: fill, region: region, showError: showError, clearError: clearError,
          domElement: domElement, announceProgress: announceProgress};
}());
