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
  var busy = false;
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

  function send(handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    root.setAttribute("aria-busy", "true");
    common.clearError(root);
    common.post(runtime, node, handler, data).then(function (reply) {
      busy = false;
      root.removeAttribute("aria-busy");
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      onDone(reply.body);
    }, function () {
      busy = false;
      root.removeAttribute("aria-busy");
      common.showError(root, text.failed);
    });
  }

  function showGrid(body) {
    common.fill(root, "grid", body.grid_html);
    common.fill(root, "pager", body.pager_html);
    common.region(root, "showing").textContent = body.status_text;
    view.page = body.params.page;
  }
  function loadGrid(focusSelector) {
    send("grid", params(), function (body) {
      showGrid(body);
      var target = focusSelector && root.querySelector(focusSelector);
      if (target) { target.focus(); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    view.page = 1;
    loadGrid();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { view.page = 1; loadGrid(); }, 0);
  });
  form.elements.page_size.addEventListener("change", function () { view.page = 1; loadGrid(); });

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
    send("refresh", params(), function (body) {
      common.fill(root, "summary", body.summary_html);
      common.fill(root, "topics", body.topics_html);
      showGrid(body);
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
      view.dir = (view.sort === sort && view.dir === "asc") ? "desc" : "asc";
      view.sort = sort; view.page = 1;
      loadGrid('[data-sort="' + sort + '"]');
    } else if (page) {
      view.page = parseInt(page, 10);
      loadGrid('[data-region="grid"]');
    } else if (status) {
      form.elements.status.value = status;
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
      if (!window.confirm(text.confirmIssue)) { return; }
      send("issue_certificates", {}, function (body) {
        common.fill(root, "notice", body.html);
        refresh();
      });
    }
  });

  dialog.addEventListener("close", function () {
    if (dialog.returnFocusTo) { dialog.returnFocusTo.focus(); }
  });
  if (window.ElsxReviewQueue) { window.ElsxReviewQueue(runtime, node); }
}
