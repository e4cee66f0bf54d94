<#-- Step 2 of the "project-api-key-register" required action: the new key, shown this one time only.
     Shipped in the extension jar: it imports only template.ftl, which every login theme has. The usage
     examples use the realm setting inference.apikey.apiBaseUrl; without it they are not shown. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: inference-api-key-created.ftl -->
    <#if section = "header">
        ${msg("inferenceApiKeyCreatedTitle", apiKeyCreated.name)}
    <#elseif section = "form">
        <#if apiKeyCreated.key??>
            <div class="${properties.kcAlertClass!} pf-m-warning" id="kc-api-key-warning">
                <h2 class="${properties.kcAlertTitleClass!}">${msg("inferenceApiKeyShownOnce")}</h2>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="kc-api-key" class="${properties.kcLabelClass!}">${msg("inferenceApiKeyNewKey")}</label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <input id="kc-api-key" type="text" value="${apiKeyCreated.key}" readonly spellcheck="false" autocomplete="off"
                           class="${properties.kcInputClass!}" style="font-family: monospace"/>
                    <button id="kc-api-key-copy" type="button" data-copied="${msg('inferenceApiKeyCopied')}"
                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!)}">${msg("inferenceApiKeyCopy")}</button>
                </div>
            </div>

            <p id="kc-api-key-details">${msg("inferenceApiKeyCreatedDetails", apiKeyCreated.keyId, apiKeyCreated.projectName)}</p>

            <#if apiKeyCreated.apiBaseUrl??>
            <h3>${msg("inferenceApiKeyUsageCurl")}</h3>
<pre id="kc-api-key-usage-curl" style="white-space: pre-wrap">export INFERENCE_API_KEY='&lt;${msg("inferenceApiKeyUsagePasteKey")}&gt;'

curl ${apiKeyCreated.apiBaseUrl}/models \
  -H "Authorization: Bearer $INFERENCE_API_KEY"</pre>

            <h3>${msg("inferenceApiKeyUsageOpenAi")}</h3>
<pre id="kc-api-key-usage-openai" style="white-space: pre-wrap">import os
from openai import OpenAI

client = OpenAI(
    base_url="${apiKeyCreated.apiBaseUrl}",
    api_key=os.environ["INFERENCE_API_KEY"],
)
print(client.models.list())</pre>
            <#else>
            <div id="kc-api-key-usage-unconfigured">
                <#if apiKeyCreated.apiBaseUrlProblem??>
                    <div class="${properties.kcAlertClass!} pf-m-info">
                        <h2 class="${properties.kcAlertTitleClass!}">${msg("inferenceApiKeyUsageBaseUrlWrong")}</h2>
                    </div>
                    <p>${msg("inferenceApiKeyUsageBaseUrlInvalid", apiKeyCreated.apiBaseUrlProblem)}</p>
                <#else>
                    <div class="${properties.kcAlertClass!} pf-m-info">
                        <h2 class="${properties.kcAlertTitleClass!}">${msg("inferenceApiKeyUsageBaseUrlUnset")}</h2>
                    </div>
                    <p>${msg("inferenceApiKeyUsageBaseUrlAsk")}</p>
                </#if>
            </div>
            </#if>
        <#else>
            <p id="kc-api-key-already-shown">${msg("inferenceApiKeyAlreadyShown", apiKeyCreated.keyId)}</p>
        </#if>

        <form id="kc-api-key-done-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                <button type="submit" name="done" id="kc-api-key-done"
                        class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}">${msg("inferenceApiKeyDone")}</button>
            </div>
        </form>

        <#if apiKeyCreated.key??>
        <script>
            document.getElementById("kc-api-key-copy").addEventListener("click", function (event) {
                var button = event.currentTarget;
                var input = document.getElementById("kc-api-key");
                var done = function () { button.textContent = button.getAttribute("data-copied"); };
                var selectAndCopy = function () {
                    input.select();
                    if (document.execCommand("copy")) { done(); }
                };
                if (navigator.clipboard && window.isSecureContext) {
                    navigator.clipboard.writeText(input.value).then(done, selectAndCopy);
                } else {
                    selectAndCopy();
                }
            });
        </script>
        </#if>
    </#if>
</@layout.registrationLayout>
