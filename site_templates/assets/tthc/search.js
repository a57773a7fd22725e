// The search page: pagefind's interface over every shard of the index (see
// generator/site/search.py). Shards are listed in pagefind/shards.json; the first is the
// primary bundle and the others are merged into it in the browser.
(function () {
  "use strict";
  var VI = {
    placeholder: "Tìm thủ tục, quyết định, cơ quan…",
    clear_search: "Xóa",
    load_more: "Xem thêm kết quả",
    search_label: "Tìm kiếm trên trang này",
    filters_label: "Bộ lọc",
    zero_results: "Không tìm thấy kết quả cho [SEARCH_TERM]",
    many_results: "[COUNT] kết quả cho [SEARCH_TERM]",
    one_result: "[COUNT] kết quả cho [SEARCH_TERM]",
    total_zero_results: "Không có kết quả",
    total_one_result: "[COUNT] kết quả",
    total_many_results: "[COUNT] kết quả",
    alt_search: "Không tìm thấy [SEARCH_TERM]. Đang hiện kết quả cho [DIFFERENT_TERM]",
    search_suggestion: "Không tìm thấy [SEARCH_TERM]. Thử tìm:",
    searching: "Đang tìm [SEARCH_TERM]…",
    results_label: "Kết quả tìm kiếm",
    keyboard_navigate: "di chuyển",
    keyboard_select: "chọn"
  };
  var SEPARATOR = "§";  // starts the folded đ-words that only help matching

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  // The excerpt must come from the page's own words, never from the folded đ-words (after
  // the separator); otherwise show the page's prepared summary.
  function readableExcerpt(result) {
    var summary = (result.meta && result.meta.excerpt) || "";
    if (result.meta) delete result.meta.excerpt;   // not a tag to show under the result
    var readable = (result.content || "").split(SEPARATOR)[0];
    var plain = (result.plain_excerpt || "").split(SEPARATOR)[0].trim();
    var excerpt = (result.excerpt || "").split(SEPARATOR)[0];
    if (plain.length < 40 || readable.indexOf(plain) < 0) excerpt = escapeHtml(summary);
    result.excerpt = excerpt;
    return result;
  }

  var CODE = /^\s*(\d\.\d{6})\s*$/;  // a procedure code goes straight to its page

  // A code is indexed as one word (`1.001193` → `ma1001193`, see search.py code_token).
  function codeAsOneWord(term) {
    return term.replace(/(^|[^\d.])(\d)\.(\d{6})(?![\d])/g, "$1ma$2$3");
  }

  function offerCode(box, root, query) {
    var old = box.querySelector(".tthc-search-code");
    if (old) old.remove();
    var match = CODE.exec(query || "");
    if (!match) return;
    var link = document.createElement("p");
    link.className = "tthc-search-code";
    var a = document.createElement("a");
    a.href = new URL("thu-tuc/" + match[1] + "/", root).href;
    a.textContent = "Mở thủ tục mã " + match[1];
    link.appendChild(a);
    box.insertBefore(link, box.firstChild);
  }

  var box = document.getElementById("tthc-search");
  if (!box || typeof PagefindUI === "undefined") return;
  var bundles = new URL(box.getAttribute("data-bundles"), window.location.href);
  var root = new URL("../", bundles);
  fetch(new URL("shards.json", bundles)).then(function (response) {
    if (!response.ok) throw new Error("shards.json " + response.status);
    return response.json();
  }).then(function (config) {
    var shards = config.shards.map(function (s) { return new URL(s, bundles).pathname; });
    var ui = new PagefindUI({
      element: "#tthc-search",
      bundlePath: shards[0],
      mergeIndex: shards.slice(1).map(function (path) { return {bundlePath: path}; }),
      baseUrl: root.pathname,
      showImages: false,
      showSubResults: false,
      excerptLength: 30,
      autofocus: !new URLSearchParams(window.location.search).get("q"),
      translations: VI,
      processTerm: codeAsOneWord,
      processResult: readableExcerpt
    });
    var input = box.querySelector(".pagefind-ui__search-input");
    if (input) {
      input.id = "tthc-q";
      input.addEventListener("input", function () { offerCode(box, root, input.value); });
    }
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
      offerCode(box, root, query);
    }
  }).catch(function (error) {
    box.insertAdjacentHTML("beforeend",
      "<p role=\"alert\">Không tải được chỉ mục tìm kiếm (" + escapeHtml(error.message) +
      "). Hãy tải lại trang.</p>");
  });
})();
