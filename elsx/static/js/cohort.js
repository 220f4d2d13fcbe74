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
  if (window.ElsxReviewQueue) { window.ElsxReviewQueue(runtime, node); }
  if (restore()) { loadGrid(); }
}
