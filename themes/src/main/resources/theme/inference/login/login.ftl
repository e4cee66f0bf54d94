<#--
  The login page of realm "inference": institutions first, as large buttons in the realm's GUI
  order (ACCESS-CI, Indiana University, other institutions through CILogon), then the local
  password form, which the realm attribute inference.login.passwordForm=false hides (it stays when
  no institution is offered, so nobody is locked out). Branding comes from theme.properties.
-->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "passkeys.ftl" as passkeys>
<#assign institutions = (social.providers)![]>
<#assign passwordForm = realm.password && (((realm.attributes["inference.login.passwordForm"])!"true")?trim?lower_case != "false" || !institutions?has_content)>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('username','password') displayInfo=passwordForm && realm.registrationAllowed && !registrationDisabled??; section>
<!-- template: login.ftl (inference) -->
    <#if section = "header">
        <#if properties.brandServiceName?has_content>${msg("inferenceLoginTitle", properties.brandServiceName)}<#else>${msg("loginAccountTitle")}</#if>
    <#elseif section = "form">
        <#if properties.brandLogoUrl?has_content>
            <div class="inference-brand">
                <img id="inference-brand-logo" class="inference-brand-logo" alt="${properties.brandServiceName!''}"
                     src="<#if properties.brandLogoUrl?matches('^(https?:)?/.*')>${properties.brandLogoUrl}<#else>${url.resourcesPath}/${properties.brandLogoUrl}</#if>"/>
            </div>
        </#if>
        <#if institutions?has_content>
            <div id="inference-institutions">
                <p class="inference-institutions-intro">${msg("inferenceLoginInstitutionsIntro")}</p>
                <ul class="inference-institution-list">
                    <#list institutions as p>
                        <#assign hintKey = "inferenceLoginInstitutionHint_" + p.alias>
                        <li>
                            <a id="social-${p.alias}" data-once-link data-disabled-class="${properties.kcFormSocialAccountListButtonDisabledClass!}"
                               class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} inference-institution"
                               href="${p.loginUrl}">
                                <span class="inference-institution-name">${p.displayName!p.alias}</span>
                                <#if msg(hintKey) != hintKey><span class="inference-institution-hint">${msg(hintKey)}</span></#if>
                            </a>
                        </li>
                    </#list>
                </ul>
            </div>
        </#if>
        <#if passwordForm>
            <div id="kc-form">
              <div id="kc-form-wrapper">
                <#if institutions?has_content>
                    <p class="inference-divider"><span>${msg("inferenceLoginLocalAccount")}</span></p>
                </#if>
                <form id="kc-form-login" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
                    <#if !usernameHidden??>
                        <#assign label>
                            <#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if>
                        </#assign>
                        <@field.input name="username" label=label error=messagesPerField.getFirstError('username','password')
                            autofocus=!institutions?has_content autocomplete="${(enableWebAuthnConditionalUI?has_content)?then('username webauthn', 'username')}" value=login.username!'' />
                        <@field.password name="password" label=msg("password") error="" forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                            <#if realm.rememberMe && !usernameHidden??>
                                <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                            </#if>
                        </@field.password>
                    <#else>
                        <@field.password name="password" label=msg("password") forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                            <#if realm.rememberMe && !usernameHidden??>
                                <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                            </#if>
                        </@field.password>
                    </#if>
                    <input type="hidden" id="id-hidden-input" name="credentialId" <#if auth.selectedCredential?has_content>value="${auth.selectedCredential}"</#if>/>
                    <@buttons.actionGroup>
                        <@buttons.button id="kc-login" name="login" label="doLogIn" type=institutions?has_content?then("secondary", "primary") />
                    </@buttons.actionGroup>
                </form>
              </div>
            </div>
            <@passkeys.conditionalUIData />
        </#if>
    <#elseif section = "info" >
        <#if passwordForm && realm.registrationAllowed && !registrationDisabled??>
            <div id="kc-registration-container">
                <div id="kc-registration">
                    <span>${msg("noAccount")} <a href="${url.registrationUrl}">${msg("doRegister")}</a></span>
                </div>
            </div>
        </#if>
    </#if>
</@layout.registrationLayout>
