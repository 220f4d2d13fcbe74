/* Cohort dashboard: filters, sorting, paging, learner details, exports and bulk actions.
   Rows and messages are rendered (and escaped) on the server; strings here come from args. */
function ElsxCohort(runtime, element, args) {
  "use strict";
  var common = window.ElsxCommon;
  var node = common.domElement(element);
  var root = node.querySelector(".elsx-cohort") || node;
  var form = common.region(root, "filters");
  var dialog = common.region(root, "dialog");
  var notice = common.region(root, "notice");
  var text = args.text || {};
  var view = {sort: "name", dir: "asc", page: 1};
  var VIEW_DEFAULTS = {sort: "name", dir: "asc", page: "1"};
  // Coded filters only: the free-text ones (search by name or email, agency) never go in a URL.
  var URL_FIELDS = ["status", "role", "not_completed", "missing", "engaged_under", "page_size"];
  var defaultSize = form.elements.page_size.value;
  var busy = false;
  var pending = 0;
  var gridSeq = 0;
  var typing = null;
  var pollTimer = null;

  function filters() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !field.value) { return; }
      data[field.name] = field.name === "page_size" ? parseInt(field.value, 10) : field.value;
    });
    return data;
  }
  function params() {
    var data = filters();
    data.sort = view.sort; data.dir = view.dir; data.page = view.page;
    return data;
  }
  function say(message) { notice.textContent = message || ""; }

  function working(delta) {
    pending += delta;
    if (pending > 0) { root.setAttribute("aria-busy", "true"); } else { root.removeAttribute("aria-busy"); }
  }

  function send(handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    working(1);
    common.clearError(root);
    common.post(runtime, node, handler, data).then(function (reply) {
      busy = false;
      working(-1);
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      onDone(reply.body);
    }, function () {
      busy = false;
      working(-1);
      common.showError(root, text.failed);
    });
  }

  // The view in the page's own query string, so it can be bookmarked and survives a reload.
  // In the LMS the query string of the block's page also reaches student_view as its context
  // (openedx-platform lms/djangoapps/courseware/views/views.py, render_xblock: request.GET.dict()):
  // these names stay clear of the ones it reads (show_title, show_bookmark_button, recheck_access).
  function remember() {
    if (!window.history || !window.history.replaceState || !window.URLSearchParams) { return; }
    var query = new URLSearchParams(window.location.search);
    URL_FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = field ? field.value : "";
      if (value && !(name === "page_size" && value === defaultSize)) { query.set(name, value); } else { query.delete(name); }
    });
    Object.keys(VIEW_DEFAULTS).forEach(function (name) {
      if (String(view[name]) !== VIEW_DEFAULTS[name]) { query.set(name, view[name]); } else { query.delete(name); }
    });
    var search = query.toString();
    window.history.replaceState(window.history.state, "",
      window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }
  function restore() {
    if (!window.URLSearchParams) { return false; }
    var query = new URLSearchParams(window.location.search);
    var found = false;
    URL_FIELDS.forEach(function (name) {
      if (query.has(name) && form.elements[name]) { form.elements[name].value = query.get(name); found = true; }
    });
    Object.keys(VIEW_DEFAULTS).forEach(function (name) {
      if (query.has(name)) { view[name] = name === "page" ? (parseInt(query.get(name), 10) || 1) : query.get(name); found = true; }
    });
    return found;
  }

  function showGrid(body) {
    common.fill(root, "grid", body.grid_html);
    common.fill(root, "pager", body.pager_html);
    common.region(root, "showing").textContent = body.status_text;
    view.page = body.params.page;
    remember();
  }
  // Every change asks again; only the answer to the latest request is shown (none is dropped unseen).
  function loadGrid(focusSelector) {
    var seq = ++gridSeq;
    window.clearTimeout(typing);
    working(1);
    common.clearError(root);
    common.post(runtime, node, "grid", params()).then(function (reply) {
      working(-1);
      if (seq !== gridSeq) { return; }
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      showGrid(reply.body);
      var target = focusSelector && root.querySelector(focusSelector);
      if (target) { target.focus(); }
    }, function () {
      working(-1);
      if (seq === gridSeq) { common.showError(root, text.failed); }
    });
  }
  function behindFirst() {
    // The Behind view: most weeks behind first, then the oldest activity.
    if (form.elements.status.value === "behind") { view.sort = "behind"; view.dir = "desc"; }
  }
  function applyFilters() { view.page = 1; loadGrid(); }

  // Filters apply as they change: no Apply button to forget. Typed ones wait for a pause.
  form.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });
  form.addEventListener("change", function (event) {
    if (event.target.name === "search" || event.target.name === "agency") { return; }  // typed: see "input"
    if (event.target.name === "status") { behindFirst(); }
    applyFilters();
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "search" && event.target.name !== "agency") { return; }
    window.clearTimeout(typing);
    typing = window.setTimeout(applyFilters, 400);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT") { event.preventDefault(); applyFilters(); }
  });
  form.addEventListener("reset", function () {
    window.setTimeout(applyFilters, 0);
  });

  var agencyInput = form.elements.agency;
  agencyInput.addEventListener("focus", function once() {
    agencyInput.removeEventListener("focus", once);
    common.post(runtime, node, "agencies", {}).then(function (reply) {
      if (!reply.ok) { return; }
      var list = common.region(root, "agencies");
      reply.body.agencies.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        list.appendChild(option);
      });
    });
  });

  function download(body) {
    if (body.mode === "inline" || (body.mode === "job" && body.url)) {
      window.location.assign(body.url);
      say(body.mode === "inline" ? text.downloading : "");
      if (body.mode === "job") { common.fill(root, "notice", body.html); }
      return;
    }
    common.fill(root, "notice", body.html);
    if (body.status === "running") {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(function () {
        common.post(runtime, node, "export_status", {job: body.job}).then(function (reply) {
          if (reply.ok) { download(reply.body); } else { common.showError(root, reply.body.error); }
        });
      }, 3000);
    }
  }

  function copyEmails(body) {
    var done = function () { say(text.copied.replace("{count}", body.count)); };
    var manual = function () {
      notice.textContent = "";
      var label = document.createElement("label");
      label.textContent = text.copyManually.replace("{count}", body.count);
      var area = document.createElement("textarea");
      area.readOnly = true; area.rows = 4; area.value = body.text;
      area.id = node.id + "-emails";
      label.htmlFor = area.id;
      notice.appendChild(label); notice.appendChild(area);
      area.focus(); area.select();
    };
    if (!body.count) { say(text.noEmails); return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(body.text).then(done, manual);
    } else { manual(); }
  }

  function refresh() {
    var seq = ++gridSeq;
    send("refresh", params(), function (body) {
      common.fill(root, "summary", body.summary_html);
      common.fill(root, "topics", body.topics_html);
      if (seq === gridSeq) { showGrid(body); }
    });
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target || !root.contains(target)) { return; }
    var sort = target.getAttribute("data-sort");
    var page = target.getAttribute("data-page");
    var status = target.getAttribute("data-status");
    var learner = target.getAttribute("data-learner");
    var action = target.getAttribute("data-action");
    if (sort) {
      var first = target.getAttribute("data-first-dir") || "asc";
      view.dir = (view.sort === sort && view.dir === first) ? (first === "asc" ? "desc" : "asc") : first;
      view.sort = sort; view.page = 1;
      loadGrid('[data-sort="' + sort + '"]');
    } else if (page) {
      view.page = parseInt(page, 10);
      loadGrid('[data-region="grid"]');
    } else if (status) {
      form.elements.status.value = status;
      behindFirst();
      view.page = 1;
      loadGrid('[data-region="grid"]');
    } else if (learner) {
      send("learner", {learner_id: learner}, function (body) {
        clearDetailMessages();
        common.fill(root, "detail", body.html);
        if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
        dialog.querySelector("[data-action=close]").focus();
        dialog.returnFocusTo = target;
      });
    } else if (action === "close") {
      dialog.close();
    } else if (action === "refresh") {
      refresh();
    } else if (action === "emails") {
      var selection = filters();
      delete selection.page_size;
      send("emails", selection, copyEmails);
    } else if (action === "export-roster") {
      var grid = params();
      delete grid.page; delete grid.page_size;
      send("export", {kind: "roster", grid: grid}, download);
    } else if (action === "export-credit") {
      var profile = common.region(root, "profile");
      send("export", {kind: "credit", profile: profile ? profile.value : "default"}, download);
    } else if (action === "nudge-preview" || action === "nudge-send") {
      var nudge = common.region(root, "nudge");
      // Send goes to the selection that was previewed, even if the filters changed since.
      var chosen = action === "nudge-send" && nudge.selection ? nudge.selection : filters();
      nudge.selection = chosen;
      send(action.replace("-", "_"), chosen, function (body) {
        if (action === "nudge-preview") {
          common.fill(root, "nudge", body.html);
          nudge.hidden = false;
          common.region(root, "nudge-preview").focus();
        } else {
          nudge.hidden = true;
          common.fill(root, "notice", body.html);
          target = root.querySelector('[data-action="nudge-preview"]');
          if (target) { target.focus(); }
        }
      });
    } else if (action === "nudge-cancel") {
      common.region(root, "nudge").hidden = true;
      root.querySelector('[data-action="nudge-preview"]').focus();
    } else if (action === "issue") {
      // The confirmation says how many learners it is about, counted when asked.
      send("issue_preview", {}, function (preview) {
        if (!preview.count) { say(preview.message); return; }
        if (!window.confirm(preview.message)) { return; }
        send("issue_certificates", {}, function (body) {
          common.fill(root, "notice", body.html);
          refresh();
        });
      });
    }
  });

  dialog.addEventListener("close", function () {
    if (dialog.returnFocusTo) { dialog.returnFocusTo.focus(); }
  });

  // --- the drill-down's certificate actions -----------------------------------------------------
  // A first press checks the form and shows a confirmation naming the holder and the number (rendered,
  // escaped, by the server); only Confirm sends, with the number that was shown. The server refuses a
  // number that is no longer the learner's current certificate, and the drill-down is then shown again.
  var detailStatus = common.region(dialog, "detail-status");
  var detailError = common.region(dialog, "detail-error");
  var certBusy = false;

  function certFields(certForm) {
    return Array.prototype.slice.call(certForm.querySelectorAll("input[name]:not([type=hidden])"));
  }
  function certValues(certForm) {
    var data = {};
    var reissue = certForm.getAttribute("data-cert-action") === "reissue_certificate";
    Array.prototype.forEach.call(certForm.querySelectorAll("input[name]"), function (field) {
      var value = field.type === "hidden" ? field.value : field.value.trim();
      if (reissue && field.type !== "hidden" && value === "") { return; }  // blank: keeps its value
      data[field.name] = value;
    });
    return data;
  }
  function certInvalid(certForm, field, message) {
    var error = certForm.querySelector("[data-cert-error]");
    certFields(certForm).forEach(function (each) {
      each.removeAttribute("aria-invalid");
      var described = (each.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== error.id;
      });
      if (described.length) { each.setAttribute("aria-describedby", described.join(" ")); } else { each.removeAttribute("aria-describedby"); }
    });
    error.textContent = message || "";
    error.hidden = !message;
    if (field && message) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + error.id).trim());
      field.focus();
    }
  }
  function clearDetailMessages() {
    detailStatus.textContent = "";
    detailError.hidden = true;
    detailError.textContent = "";
  }
  function showDetailError(message) {
    detailError.textContent = message || text.failed;
    detailError.hidden = false;
    detailError.focus();
  }
  function setConfirming(certForm, on) {
    certFields(certForm).forEach(function (field) { field.readOnly = on; });
    certForm.querySelector("[data-cert-start]").disabled = on;
    certForm.querySelector("[data-cert-confirm]").hidden = !on;
    Array.prototype.forEach.call(certForm.querySelectorAll("[data-cert-send], [data-cert-cancel]"), function (button) {
      button.disabled = false;
    });
    if (!on) { certForm.pending = null; }
  }
  function startCertAction(certForm) {
    var data = certValues(certForm);
    var fields = certFields(certForm);
    if (certForm.getAttribute("data-cert-action") === "reissue_certificate") {
      if (!fields.some(function (field) { return field.value.trim() !== ""; })) {
        certInvalid(certForm, fields[0], text.correctionRequired);
        return;
      }
    } else if (!data.reason) {
      certInvalid(certForm, certForm.elements.reason, text.reasonRequired);
      return;
    }
    certInvalid(certForm, null, "");
    Array.prototype.forEach.call(dialog.querySelectorAll("form[data-cert-action]"), function (other) {
      if (other !== certForm && other.pending) { setConfirming(other, false); }
    });
    var changes = certForm.querySelector("[data-cert-changes]");
    if (changes) {
      changes.textContent = "";
      fields.forEach(function (field) {
        if (field.value.trim() === "") { return; }
        var item = document.createElement("li");
        item.textContent = field.labels[0].textContent + ": " + field.value.trim();  // text, never HTML
        changes.appendChild(item);
      });
    }
    certForm.pending = data;
    setConfirming(certForm, true);
    certForm.querySelector("[data-cert-question]").focus();
  }
  function cancelCertAction(certForm) {
    setConfirming(certForm, false);
    certForm.querySelector("[data-cert-start]").focus();
  }
  function showDetail(learnerId, then) {
    common.post(runtime, node, "learner", {learner_id: learnerId}).then(function (reply) {
      if (reply.ok) { common.fill(dialog, "detail", reply.body.html); }
      then();
    }, then);
  }
  function sendCertAction(certForm) {
    if (certBusy || !certForm.pending) { return; }
    certBusy = true;
    var data = certForm.pending;
    Array.prototype.forEach.call(certForm.querySelectorAll("[data-cert-send], [data-cert-cancel]"), function (button) {
      button.disabled = true;
    });
    clearDetailMessages();
    dialog.setAttribute("aria-busy", "true");
    var done = function () { certBusy = false; dialog.removeAttribute("aria-busy"); };
    common.post(runtime, node, certForm.getAttribute("data-cert-action"), data).then(function (reply) {
      done();
      if (reply.ok) {
        common.fill(dialog, "detail", reply.body.html);
        detailStatus.textContent = reply.body.message;
        var title = common.region(dialog, "cert-title");
        if (title) { title.focus(); }
        refresh();  // the grid row and the summary follow the new state
        return;
      }
      var field = reply.body.field && certForm.querySelector('input[name="' + reply.body.field + '"]:not([type=hidden])');
      if (reply.status === 400 && field) {
        setConfirming(certForm, false);
        certInvalid(certForm, field, reply.body.error);
      } else if (reply.status === 409) {
        // Someone changed this certificate since the drill-down was shown: show what is stored now.
        showDetail(data.learner_id, function () { showDetailError(reply.body.error); refresh(); });
      } else {
        setConfirming(certForm, false);
        showDetailError(reply.body.error);
      }
    }, function () {
      done();
      setConfirming(certForm, false);
      showDetailError(text.failed);
    });
  }
  dialog.addEventListener("submit", function (event) {
    var certForm = event.target.closest("form[data-cert-action]");
    if (!certForm) { return; }
    event.preventDefault();
    if (!certForm.pending) { startCertAction(certForm); }
  });
  dialog.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    var certForm = button && button.closest("form[data-cert-action]");
    if (!certForm) { return; }
    if (button.hasAttribute("data-cert-send")) { sendCertAction(certForm); }
    if (button.hasAttribute("data-cert-cancel")) { cancelCertAction(certForm); }
  });
  if (window.ElsxReviewQueue) { window.ElsxReviewQueue(runtime, node); }
  if (restore()) { loadGrid(); }
}
